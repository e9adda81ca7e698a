// The sparse embedding-gradient sum used by gradient accumulation: repeated ids add up,
// padding ids are skipped, and clear() leaves the reused buffer all zeros.
import { describe, expect, it } from 'vitest';
import { RowGradSum } from '../../main/engine/row-grad-sum.ts';

describe('RowGradSum', () => {
  it('scatter-adds rows by id across micro-batches, skipping the padding id, and clears to zeros', () => {
    const sum = new RowGradSum(5, 2, 0);
    sum.add(Float32Array.of(1, 2, 3, 4, 9, 9), BigInt64Array.of(3n, 1n, 0n));
    sum.add(Float32Array.of(10, 20, 0.5, 0.25), BigInt64Array.of(3n, 4n));
    expect([...sum.dense]).toEqual([0, 0, 3, 4, 0, 0, 11, 22, 0.5, 0.25]);
    const buffer = sum.dense;
    sum.clear();
    expect(sum.dense).toBe(buffer);
    expect(sum.dense.every((x) => x === 0)).toBe(true);
    sum.add(Float32Array.of(7, 8), BigInt64Array.of(2n));
    expect([...sum.dense]).toEqual([0, 0, 0, 0, 7, 8, 0, 0, 0, 0]);
  });

  it('refuses gradients that do not match the ids', () => {
    expect(() => new RowGradSum(5, 2, 0).add(Float32Array.of(1, 2, 3), BigInt64Array.of(1n, 2n))).toThrow(/3 values for 2 ids of width 2/);
  });
});
