import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../main/engine/api.ts';
import { encodeSafetensors, readSafetensors, writeSafetensors } from '../../main/models/safetensors.ts';

const tensors = new Map<string, TensorData>([
  ['b.bias', { dtype: 'float32', shape: [3], data: Float32Array.of(0.5, -2, 1024) }],
  ['a.weight', { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, -0.25, 3.140625, 65504) }],
]);

describe('safetensors', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`round-trips ${dtype} (values exact in ${dtype})`, () => {
      const back = readSafetensors('mem', encodeSafetensors(tensors, { dtype, metadata: { format: 'pt' } }));
      expect([...back.keys()].sort()).toEqual(['a.weight', 'b.bias']);
      expect(back.get('a.weight')!.shape).toEqual([2, 2]);
      const a = Array.from(back.get('a.weight')!.data);
      expect(a.slice(0, 3)).toEqual([1, -0.25, 3.140625]);
      expect(Array.from(back.get('b.bias')!.data)).toEqual([0.5, -2, 1024]);
    });
  }

  it('rounds F16 and BF16 to nearest', () => {
    const t = new Map<string, TensorData>([['x', { dtype: 'float32', shape: [2], data: Float32Array.of(1 / 3, -1e-5) }]]);
    const f16 = readSafetensors('mem', encodeSafetensors(t, { dtype: 'F16' })).get('x')!.data;
    const bf16 = readSafetensors('mem', encodeSafetensors(t, { dtype: 'BF16' })).get('x')!.data;
    expect(Math.abs(f16[0] - 1 / 3)).toBeLessThan(2e-4);
    expect(Math.abs(bf16[0] - 1 / 3)).toBeLessThan(2e-3);
    expect(Math.abs(f16[1] + 1e-5) / 1e-5).toBeLessThan(0.01);
  });

  it('names the file when it is truncated', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));
    const file = path.join(dir, 'model.safetensors');
    writeSafetensors(file, tensors);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4));
    expect(() => readSafetensors(file)).toThrow(`${file} is truncated: tensor b.bias ends past the end of the file.`);
    fs.writeFileSync(file, bytes.subarray(0, 5));
    expect(() => readSafetensors(file)).toThrow(`${file} is truncated`);
  });
});
