// Dropout whose mask is a pure function of (seed, step, site, element index): a counter-based
// hash computed in the graph, so a run resumed from a checkpoint draws exactly the masks it
// would have drawn. Per element the hash uses only int32 Mul and Add (wrapping) and Div by
// powers of two: ONNX Runtime's WebGPU provider has those but no int64 and no Mod, so the
// earlier int64 hash (Mul/Mod mod 2^31 - 1) ran its ~300 nodes on the CPU and copied every mask
// to the GPU each step. The int32 hash gives bit-identical masks on the CPU and on WebGPU
// (checked on SwiftShader), and is faster on the CPU too (16.5 vs 22.8 ms per site of 16 × 128
// × 768 elements, 2 busy cores). Its statistics match Math.random's on that shape: drop rate,
// per-column spread, and independence of neighbours, sites and steps (P(both dropped) = p²).
import type { Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';

const P = 2147483647; // 2^31 - 1, prime: the per-site key is an int64 residue mod P (scalars only)

// The multipliers of MurmurHash3's 32-bit finalizer (0x9e3779b1, 0x85ebca6b, 0xc2b2ae35) as int32.
const M1 = 0x9e3779b1 | 0;
const M2 = 0x85ebca6b | 0;
const M3 = 0xc2b2ae35 | 0;

/**
 * Per element: MurmurHash3's finalizer of (idx + key) mod 2^32 with each `h ^= h >>> k` replaced
 * by `h += h / 2^k` (opset 17 has no bitwise ops; Div truncates toward zero, the same on every
 * provider), plus two rounds of h·(2h + 1), RC6's quadratic bijection mod 2^32: without a
 * nonlinear step, multiplies and adds map consecutive indices to a lattice (neighbours were
 * both dropped 36% of the time at p = 0.5, not 25%). Out: an int32 spread over [-2^31, 2^31).
 * idx is the flat element index, built as
 * rows·L + key [R,1] plus columns [1,L] (two short Ranges and one broadcast Add: a Range over
 * every element is slow in ORT).
 */
export function hashBits(x: Value, key: Value): Value {
  const g = x.graph;
  const shape = o.shapeOf(x);
  const last64 = o.item(shape, x.rank - 1);
  const rows = o.cast(o.div(o.reduceProd(shape), last64), 'int32');
  const last = o.cast(last64, 'int32');
  const zero = g.scalar(0, 'int32');
  const one = g.scalar(1, 'int32');
  const rowBase = o.add(o.mul(o.range(zero, rows, one, `${x.name}_rows`), last), key.dtype === 'int32' ? key : o.cast(key, 'int32')); // [R]
  const cols = o.range(zero, last, one, x.shape[x.rank - 1]); // [L]
  const idx = o.reshapeTo(o.add(o.unsqueeze(rowBase, [1]), o.unsqueeze(cols, [0])), shape, x.shape);
  let h = o.mul(idx, M1);
  h = o.mul(h, o.add(o.add(h, h), 1));
  h = o.add(h, o.div(h, 2 ** 16));
  h = o.mul(h, M2);
  h = o.mul(h, o.add(o.add(h, h), 1));
  h = o.add(h, o.div(h, 2 ** 13));
  h = o.mul(h, M3);
  return o.add(h, o.div(h, 2 ** 16));
}

/** Scalar mixing for the per-site key (cheap: scalars only). */
function mixScalar(h: Value, round: number): Value {
  const sq = o.mod(o.mul(h, h), P);
  return o.mod(o.add(o.add(sq, o.mul(h, 16807)), 1_000_003 * (round + 1)), P);
}

/** The key of dropout site `site` for this (seed, step): int64 scalars in, residue mod P out (it fits an int32). */
export function siteKey(seed: Value, step: Value, site: number): Value {
  const s = o.mod(seed, P);
  const t = o.mod(step, P);
  let k = o.mod(o.add(o.add(o.mul(s, 48271), o.mul(t, 69621)), (site * 7919) % P), P);
  for (let r = 0; r < 3; r++) k = mixScalar(k, r);
  return k;
}

/** siteKey's arithmetic on the host, bit for bit (all operands are non-negative, so % is ONNX's Mod). */
export function siteKeyHost(seed: number, step: number, site: number): number {
  const p = BigInt(P);
  const mod = (x: bigint) => x % p;
  const s = mod(BigInt(seed));
  const t = mod(BigInt(step));
  let k = mod(s * 48271n + t * 69621n + BigInt((site * 7919) % P));
  for (let r = 0; r < 3; r++) k = mod(mod(k * k) + k * 16807n + BigInt(1_000_003 * (r + 1)));
  return Number(k);
}

/**
 * The keys of dropout sites 0..sites-1 as one int32 tensor: graphs built with keysInput take
 * them as an input instead of computing them from int64 scalars, which ORT's WebGPU provider
 * cannot (int64 Mod/Mul ran on the CPU and every key was copied to the GPU).
 */
export function siteKeysHost(seed: number, step: number, sites: number): Int32Array {
  return Int32Array.from({ length: sites }, (_, i) => siteKeyHost(seed, step, i));
}

/** Inverted dropout: x / (1 - p) where the element's hash is in the top 1 - p of the int32 range, else 0. */
export function dropoutMask(x: Value, p: number, key: Value): Value {
  const threshold = x.graph.scalar(Math.round(p * 2 ** 32) - 2 ** 31, 'int32');
  const keep = o.greaterOrEqual(hashBits(x, key), threshold);
  return o.where(keep, o.mul(x, 1 / (1 - p)), 0);
}
