// The check every export passes, the size limit, and cancellation: exports that must not be
// reported done are not, and leave nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel, onnxSizeProblem } from '../../main/export/export.ts';
import { examplesFor, PROBE_TEXTS } from '../../main/export/inputs.ts';
import { folderPredictor, onnxPredictor } from '../../main/export/predictor.ts';
import { compareModels, maxDifference } from '../../main/export/verify.ts';
import { tempDir } from '../data/helpers.ts';
import { fixtureModel } from '../predict/fixture-models.ts';

const { dir: tmp, cleanup } = tempDir('bert-studio-check-');
afterAll(() => cleanup());

describe('ONNX size limit', () => {
  it('says when the weights cannot fit one ONNX file (protobuf stops at 2 GiB) and what to do instead', () => {
    expect(onnxSizeProblem(110e6)).toBeUndefined(); // BERT-base
    expect(onnxSizeProblem(335e6)).toBeUndefined(); // BERT-large, 1.25 GiB
    expect(onnxSizeProblem(600e6)).toMatch(/600M parameters \(2\.2 GiB in fp32\), over the 2 GiB .*\(--format hf\)/);
  });
});

describe('the export check', () => {
  it('maxDifference: 0 for identical outputs, catches a 2e-4 change and NaN', () => {
    const out = (x: number[]) => [{ rows: [0, 1], outputs: { logits: Float32Array.from(x) } }];
    expect(maxDifference(out([1, 2, 3, 4]), out([1, 2, 3, 4]))).toBe(0);
    expect(maxDifference(out([0.1, 2, 3, 4]), out([0.1002, 2, 3, 4]))).toBeGreaterThan(1e-4);
    expect(maxDifference(out([100, 2, 3, 4]), out([100.005, 2, 3, 4]))).toBeLessThan(1e-4); // relative above 1
    expect(maxDifference(out([1, 2, 3, 4]), out([1, Number.NaN, 3, 4]))).toBe(Infinity);
  });

  it('a cancelled export stops and leaves no folder behind', async () => {
    const dir = fixtureModel('bert-tiny-seqcls', 'classification', { names: ['a', 'b', 'c'] }, path.join(tmp, 'cancel-model'));
    const ac = new AbortController();
    const out = path.join(tmp, 'cancelled');
    const run = exportModel({ modelDir: dir, format: 'onnx', out }, { signal: ac.signal, onProgress: (p) => p.stage === 'exporting' && ac.abort(new Error('cancelled by the user')) });
    await expect(run).rejects.toThrow('cancelled by the user');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.tmp-export`)).toBe(false);
  });

  it('fails an fp32 check against a model that really differs (the int8 file), and passes the fp32 file', async () => {
    const dir = fixtureModel('bert-tiny-seqcls', 'classification', { names: ['a', 'b', 'c'] }, path.join(tmp, 'cls'));
    const fp32 = await exportModel({ modelDir: dir, format: 'onnx', out: path.join(tmp, 'fp32') });
    const int8 = await exportModel({ modelDir: dir, format: 'onnx-int8', out: path.join(tmp, 'int8') });
    const app = await folderPredictor(dir);
    const examples = examplesFor(app.info, PROBE_TEXTS).examples;
    for (const [file, passes] of [[fp32.file, true], [int8.file, false]] as const) {
      const p = await onnxPredictor(file);
      const v = await compareModels(app, p, examples, { labelled: false, fp32: true, loadedWith: 'onnxruntime' });
      await p.dispose();
      expect(v.passed).toBe(passes);
    }
    await app.dispose();
  });
});
