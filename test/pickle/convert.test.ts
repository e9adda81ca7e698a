import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertPytorchToSafetensors, normalizeKey } from '../../main/models/pickle/convert.ts';
import { readSafetensors } from '../../main/models/safetensors.ts';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bs-convert-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('convertPytorchToSafetensors', () => {
  it('writes the same tensors as the reference model.safetensors', async () => {
    const out = path.join(dir, 'model.safetensors');
    await convertPytorchToSafetensors(path.join(FIXTURES, 'pickle/bert-tiny-seqcls.pytorch_model.bin'), out);
    const got = readSafetensors(out);
    const want = readSafetensors(path.join(FIXTURES, 'parity/bert-tiny-seqcls/model.safetensors'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, w] of want) {
      expect(got.get(k)!.shape, k).toEqual(w.shape);
      expect(bytes(got.get(k)!.data).equals(bytes(w.data)), k).toBe(true);
    }
  });

  it('drops integer buffers (position_ids) and keeps float weights of any width', async () => {
    const out = path.join(dir, 'synthetic.safetensors');
    expect(await convertPytorchToSafetensors(path.join(import.meta.dirname, 'fixtures/synthetic.pytorch_model.bin'), out)).toBe(4);
    expect([...readSafetensors(out).keys()].sort()).toEqual(['bf16', 'half', 'w', 'w_t']);
  });

  it('refuses a hostile pickle and writes nothing', async () => {
    const out = path.join(dir, 'hostile.safetensors');
    await expect(convertPytorchToSafetensors(path.join(FIXTURES, 'pickle/hostile.pytorch_model.bin'), out)).rejects.toThrow(/'posix\.system'/);
    await expect(rm(out)).rejects.toThrow(/ENOENT/);
  });

  it("renames TensorFlow-era LayerNorm.gamma/beta the way Transformers does", () => {
    expect(normalizeKey('bert.embeddings.LayerNorm.gamma')).toBe('bert.embeddings.LayerNorm.weight');
    expect(normalizeKey('bert.encoder.layer.0.output.LayerNorm.beta')).toBe('bert.encoder.layer.0.output.LayerNorm.bias');
    expect(normalizeKey('classifier.gamma_proj')).toBe('classifier.gamma_proj');
  });
});
