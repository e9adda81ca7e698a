// A run's precision through the trainer and the CLI: mixed precision asked for by name trains
// (on the CPU provider's float16 kernels here; checkpoints and best weights read the state back
// from the device-resident model between steps), says so, and is stored with the run's plan.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cliPath = path.join(root, 'bin/bert-studio.mjs');
const data = path.join(root, 'test/fixtures/train/banking4-240.csv');

function train(home: string, args: string[]) {
  return spawnSync(process.execPath, [cliPath, '--home', home, 'train', ...args], { encoding: 'utf8' });
}

describe('train --precision', () => {
  it('fp16 trains in mixed precision through evaluations and checkpoints, and says so', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-precision-'));
    const r = train(home, ['--task', 'classification', '--train', data, '--from-scratch', 'tiny', '--epochs', '3', '--patience', '0', '--device', 'cpu', '--precision', 'fp16', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Precision: mixed precision \(fp16 encoder, fp32 master weights\), chosen in this run's settings\.$/m);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { metrics: { validation: Record<string, number> } };
    expect(Number.isFinite(out.metrics.validation.accuracy)).toBe(true);
    // The run's checkpoint was written from the device-resident state.
    expect(fs.existsSync(path.join(home, 'runs', '1'))).toBe(true);
  });

  it('refuses an unknown precision, and one given with --resume (exit 2)', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-precision-'));
    const bad = train(home, ['--task', 'classification', '--train', data, '--from-scratch', 'tiny', '--precision', 'fp8']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Option --precision must be one of auto, fp32, fp16; got 'fp8'\./);
    const resume = train(home, ['--resume', '1', '--precision', 'fp32']);
    expect(resume.status).toBe(2);
    expect(resume.stderr).toMatch(/Option --precision does not apply to --resume/);
  });
});
