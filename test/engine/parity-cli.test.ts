// `bert-studio parity`: files written, exit 0 on a passing fixture, 1 when a quantity is off,
// 2 for a folder that is not a fixture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../main/models/safetensors.ts';
import { runCli } from './run-cli.ts';

const fixture = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity/bert-tiny-seqcls');


describe('bert-studio parity', () => {
  it('writes parity.json and after.safetensors and exits 0 when every quantity is within tolerance', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));
    const { code, last } = await runCli(['parity', fixture, '--out', out, '--json']);
    expect(code).toBe(0);
    expect(last.pass).toBe(true);
    expect((last.max_rel_error as Record<string, number>).logits).toBeLessThan(1e-4);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'parity.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['logits', 'loss', 'grad_norms', 'adamw']));
    expect(readSafetensors(path.join(out, 'after.safetensors')).has('bert.pooler.dense.weight')).toBe(true);
  });

  it('exits 1 and names the quantity when the engine disagrees with expected.json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-'));
    for (const f of fs.readdirSync(fixture)) fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    expected.loss *= 1.001;
    fs.writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(expected));
    const { code, last } = await runCli(['parity', dir, '--out', path.join(dir, 'out'), '--json']);
    expect(code).toBe(1);
    expect(last.failed).toEqual(['loss']);
  });

  it('exits 2 with a sentence for a folder that is not a fixture', async () => {
    const { code, last } = await runCli(['parity', os.tmpdir(), '--json']);
    expect(code).toBe(2);
    expect(String((last.error as { message: string }).message)).toMatch(/is not a parity fixture: it has no expected.json\.$/);
  });
});
