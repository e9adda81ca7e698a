// Every parity fixture, exported to an ONNX file and run from that file by ONNX Runtime,
// reproduces PyTorch's logits (expected.json) and the in-app engine's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineModel, loadModelFolder, type Batch } from '../../main/engine/api.ts';
import { headFromConfig } from '../../main/engine/parity.ts';
import { createSession } from '../../main/engine/runtime.ts';
import { runOnnxBatch } from '../../main/export/predictor.ts';
import { readOnnxMetadata } from '../../main/export/onnx-metadata.ts';

const PARITY = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity');
const FIXTURES = fs.readdirSync(PARITY).filter((d) => fs.existsSync(path.join(PARITY, d, 'expected.json')));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-parity-onnx-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function relL2(got: ArrayLike<number>, want: readonly number[]): number {
  expect(got.length).toBe(want.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('ONNX export of the parity fixtures', () => {
  it('finds the fixtures', () => expect(FIXTURES.length).toBeGreaterThanOrEqual(6));

  it.each(FIXTURES)('%s: the .onnx file reproduces expected.json and the in-app logits within 1e-4', async (name) => {
    const dir = path.join(PARITY, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { arch: string; logits?: number[][]; start_logits?: number[][]; end_logits?: number[][] };
    const inputs = JSON.parse(fs.readFileSync(path.join(dir, 'inputs.json'), 'utf8')) as { input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][] };
    const folder = loadModelFolder(dir);
    const head = headFromConfig(folder.config, expected.arch);
    const model = await createEngineModel({ config: folder.config, head, weights: folder.weights, adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maxGradNorm: 0 } });
    const file = path.join(tmp, `${name}.onnx`);
    fs.writeFileSync(file, model.exportOnnx({ metadata: { task: 'parity', fixture: name } }));
    expect(readOnnxMetadata(file)).toEqual({ task: 'parity', fixture: name });

    const ints = (rows: number[][]) => BigInt64Array.from(rows.flat(), (x) => BigInt(x));
    const batch: Batch = { batch: inputs.input_ids.length, seq: inputs.input_ids[0].length, inputIds: ints(inputs.input_ids), attentionMask: ints(inputs.attention_mask) };
    if (inputs.token_type_ids) batch.tokenTypeIds = ints(inputs.token_type_ids);
    const session = await createSession(file);
    try {
      // The exported graph's interface: int64 inputs, token_type_ids only for BERT.
      expect([...session.inputNames].sort()).toEqual(folder.config.modelType === 'bert' ? ['attention_mask', 'input_ids', 'token_type_ids'] : ['attention_mask', 'input_ids']);
      const fromFile = await runOnnxBatch(session, batch);
      const inApp = await model.forward(batch);
      const pairs: [Float32Array | undefined, Float32Array | undefined, number[][] | undefined][] = head.kind === 'question-answering'
        ? [[fromFile.startLogits, inApp.startLogits, expected.start_logits], [fromFile.endLogits, inApp.endLogits, expected.end_logits]]
        : [[fromFile.logits, inApp.logits, expected.logits]];
      for (const [got, app, want] of pairs) {
        expect(got && app && want).toBeTruthy();
        const flat = (want as unknown[]).flat(2) as number[];
        expect(relL2(got!, flat)).toBeLessThan(1e-4);
        expect(relL2(got!, Array.from(app!))).toBeLessThan(1e-4);
      }
    } finally {
      await session.release();
      await model.dispose();
    }
  });
});
