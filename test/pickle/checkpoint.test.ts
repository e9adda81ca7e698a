import { existsSync, rmSync } from 'node:fs';
import { copyFile, mkdtemp, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPytorchCheckpoint } from '../../main/models/pickle/checkpoint.ts';
import { readSafetensors } from '../../main/models/safetensors.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
const PICKLE = path.join(FIXTURES, 'pickle');
const SAFETENSORS = path.join(FIXTURES, 'parity/bert-tiny-seqcls/model.safetensors');

async function expectSameAsSafetensors(file: string): Promise<void> {
  // The app's own safetensors reader: both formats of the same weights must load identically.
  const expected = readSafetensors(SAFETENSORS);
  const actual = await readPytorchCheckpoint(file);
  // The state dict may carry buffers safetensors drops (position_ids); every weight must match.
  for (const [name, want] of expected) {
    const got = actual.get(name);
    expect(got, `tensor ${name} missing`).toBeDefined();
    expect(got!.dtype).toBe('float32');
    expect(got!.shape, name).toEqual(want.shape);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(got!.data).equals(bytes(want.data)), `tensor ${name} differs`).toBe(true);
  }
  expect(expected.size).toBeGreaterThan(10);
}

describe('readPytorchCheckpoint', () => {
  it('reads the zip format (torch.save default) to exactly the safetensors tensors', async () => {
    await expectSameAsSafetensors(path.join(PICKLE, 'bert-tiny-seqcls.pytorch_model.bin'));
  });

  it('reads the legacy non-zip format to exactly the safetensors tensors', async () => {
    await expectSameAsSafetensors(path.join(PICKLE, 'bert-tiny-seqcls.legacy.pytorch_model.bin'));
  });

  it('refuses a pickle that calls os.system, naming the file and the global, and runs nothing', async () => {
    const marker = '/tmp/bert-studio-pickle-ran-code';
    rmSync(marker, { force: true });
    const file = path.join(PICKLE, 'hostile.pytorch_model.bin');
    await expect(readPytorchCheckpoint(file)).rejects.toThrow(/hostile\.pytorch_model\.bin was refused: .*'posix\.system'/);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a truncated checkpoint as a sentence naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bs-pickle-'));
    const file = path.join(dir, 'pytorch_model.bin');
    await copyFile(path.join(PICKLE, 'bert-tiny-seqcls.pytorch_model.bin'), file);
    await truncate(file, 100_000);
    await expect(readPytorchCheckpoint(file)).rejects.toThrow(`${file} is not a complete zip archive`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads deflated entries, strided views, shared storages, Parameters, float16, bfloat16 and int64 (synthetic torch.save zip)', async () => {
    // Built by fixtures/make-synthetic.py; storage 0 is [0, 0.5, …, 3] and both views start at element 1.
    const t = await readPytorchCheckpoint(path.join(import.meta.dirname, 'fixtures/synthetic.pytorch_model.bin'));
    const plain = Object.fromEntries([...t].map(([k, v]) => [k, { shape: v.shape, data: [...v.data], from: v.sourceDtype }]));
    expect(plain).toEqual({
      w: { shape: [2, 3], data: [0.5, 1, 1.5, 2, 2.5, 3], from: 'float32' },
      w_t: { shape: [3, 2], data: [0.5, 2, 1, 2.5, 1.5, 3], from: 'float32' },
      half: { shape: [4], data: [1, -2.5, 65504, 2 ** -24], from: 'float16' },
      bf16: { shape: [3], data: [1, -0.5, 3.140625], from: 'bfloat16' },
      position_ids: { shape: [1, 4], data: [0, 1, 2, 3], from: 'int64' },
    });
  });

  it('reports a missing file by its path', async () => {
    await expect(readPytorchCheckpoint('/nonexistent/pytorch_model.bin')).rejects.toThrow('/nonexistent/pytorch_model.bin does not exist.');
  });
});
