// The CLI side of issue 15: `train --json` carries the baseline next to the model's metrics and
// the advice when it wins; `baseline` shows and exports it; bad input is exit 2 with a sentence.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../data/helpers.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');
const { dir: home, cleanup } = tempDir('bert-studio-baseline-cli-');
afterAll(cleanup);

describe('baseline on the command line', () => {
  it('train --json reports the baseline beside the metrics, and the advice when it wins', async () => {
    // One epoch of a tiny model from scratch: far below a keyword model on 240 tickets.
    const r = await runCli(['--home', home, 'train', '--task', 'classification', '--train', FIXTURE, '--from-scratch', 'tiny', '--epochs', '1', '--json'], 120_000);
    expect(r.code).toBe(0);
    const j = r.json as { metrics: { validation: Record<string, number> }; baseline: { kind: string; validation: Record<string, number>; test: Record<string, number>; seconds: number }; advice?: string };
    expect(j.baseline.kind).toBe('tfidf-svm');
    expect(Object.keys(j.baseline.validation).sort()).toEqual(Object.keys(j.metrics.validation).filter((k) => k !== 'loss').sort());
    expect(j.baseline.test.accuracy).toBeGreaterThan(0.8);
    expect(j.baseline.validation.macro_f1).toBeGreaterThan(j.metrics.validation.macro_f1);
    expect(j.advice).toMatch(/^The keyword baseline beats this model on validation \(macro F1 \d+ % against \d+ %\): train from a pretrained base model instead of from scratch/u);
    expect(r.stderr + r.stdout).toMatch(/The keyword baseline, trained in [\d.]+ s on the same data, scores on validation: /u);
  }, 150_000);

  it('baseline --run shows it and --export writes a checked ONNX baseline', async () => {
    const shown = await runCli(['--home', home, 'baseline', '--run', '1', '--json']);
    expect(shown.code).toBe(0);
    expect(shown.json).toMatchObject({ run: 1, baseline: { kind: 'tfidf-svm' }, advice: expect.any(String) });
    const out = path.join(home, 'baseline-export');
    const ex = await runCli(['--home', home, 'baseline', '--run', '1', '--export', out, '--json']);
    expect(ex.code).toBe(0);
    expect(ex.json).toMatchObject({ run: 1, verification: { passed: true, agreement: 1, loadedWith: 'onnxruntime' } });
    expect(fs.readdirSync(out).sort()).toEqual(['README.md', 'labels.json', 'model.onnx', 'words.txt']);
  });

  it('bad input is exit 2 with a sentence saying what to do', async () => {
    const noRun = await runCli(['--home', home, 'baseline']);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/Option --run ID is required/u);
    const missing = await runCli(['--home', home, 'baseline', '--run', '99']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/There is no run 99; list runs with 'bert-studio runs'\./u);
    const busy = path.join(home, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const refused = await runCli(['--home', home, 'baseline', '--run', '1', '--export', busy]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds other files; choose an empty or new folder/u);
  });
});
