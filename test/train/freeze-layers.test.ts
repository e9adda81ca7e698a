// `bert-studio train --freeze-layers N` end to end: values outside 0..layers-1 are refused
// with one sentence and exit code 2 before anything is imported; a valid value reaches the
// trainer, whose checkpoint then holds untouched (zero) AdamW moments for the embeddings and
// the frozen layers and trained ones above them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../main/models/safetensors.ts';

const root = path.resolve(import.meta.dirname, '../..');
const data = path.join(root, 'test/fixtures/train/banking4-240.csv');
const cliPath = path.join(root, 'bin/bert-studio.mjs');

function cli(home: string, args: string[]) {
  return spawnSync(process.execPath, [cliPath, '--home', home, 'train', '--task', 'classification', '--train', data, '--from-scratch', 'tiny', ...args], { encoding: 'utf8' });
}

describe('train --freeze-layers', () => {
  it.each([
    [['--freeze-layers', '2'], /^bert-studio: Option --freeze-layers must be a whole number from 0 to 1: the base model has 2 encoder layers and at least one must stay trainable; got 2\.$/],
    [['--freeze-layers', '1.5'], /^bert-studio: Option --freeze-layers must be a whole number, got '1\.5'\.$/],
    [['--freeze-layers=-1'], /^bert-studio: Option --freeze-layers must be at least 0, got -1\.$/],
  ])('%j: one sentence, exit code 2, nothing imported', (args, message) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'bs-freeze-bad-'));
    const r = cli(home, args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr).not.toMatch(/Imported/);
  }, 60_000);

  it('trains with the embeddings and layer 0 of a tiny model frozen', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'bs-freeze-'));
    const r = cli(home, ['--freeze-layers', '1', '--epochs', '1', '--batch-size', '16', '--max-length', '32', '--patience', '0', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as { out: string };
    const ck = path.join(path.dirname(result.out), 'checkpoint');
    expect(readdirSync(ck)).toContain('adam_m.safetensors');
    const m = readSafetensors(path.join(ck, 'adam_m.safetensors'));
    const untouched = (name: string) => m.get(name)!.data.every((x) => x === 0);
    expect(untouched('bert.embeddings.word_embeddings.weight')).toBe(true);
    expect(untouched('bert.encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(untouched('bert.encoder.layer.0.output.dense.weight')).toBe(true);
    expect(untouched('bert.encoder.layer.1.attention.self.query.weight')).toBe(false);
    expect(untouched('classifier.weight')).toBe(false);
  }, 180_000);
});
