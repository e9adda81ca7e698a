// Index and special-function helpers of the reference interpreter.
import { numel } from './dtypes.ts';

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** For each flat index of `out`, the flat index into a tensor of `shape` broadcast to it. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = numel(out);
  const idx = new Int32Array(n);
  const lead = out.length - shape.length;
  const st = strides(shape);
  const os = strides(out);
  for (let k = 0; k < n; k++) {
    let rem = k;
    let src = 0;
    for (let d = 0; d < out.length; d++) {
      const c = Math.floor(rem / os[d]);
      rem -= c * os[d];
      const sd = d - lead;
      if (sd >= 0 && shape[sd] !== 1) src += c * st[sd];
    }
    idx[k] = src;
  }
  return idx;
}

export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // Maclaurin series: 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Asymptotic erfc for large |x|.
  const x2 = x * x;
  const series = 1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2) + 105 / (16 * x2 ** 4);
  const erfc = (Math.exp(-x2) / (ax * Math.sqrt(Math.PI))) * series;
  return Math.sign(x) * (1 - erfc);
}

