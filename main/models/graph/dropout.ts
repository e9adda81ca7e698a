// Dropout whose mask is a pure function of (seed, step, site, element index): a counter-based
// hash computed in the graph with int64 Mul/Add/Mod only, so a run resumed from a checkpoint
// draws exactly the masks it would have drawn, on any execution provider. Per element it
// costs 5 integer passes (the hash is applied to a million-element tensor per layer).
import type { Value } from '../../engine/ir.ts';
import * as o from '../../engine/ops.ts';

const P = 2147483647; // 2^31 - 1, prime: products of two residues stay below 2^62, exact in int64
const A = 1103515245; // multiplier; (idx + key) < 2^32 so (idx + key)·A < 2^63

/**
 * Per element: h = ((idx + key)·A mod P)² mod P, an int64 residue in [0, P), idx the flat
 * element index. idx + key is built as rows·L + key [R,1] plus columns [1,L] (two short
 * Ranges and one broadcast Add: a Range over every element is slow in ORT).
 */
export function hashResidues(x: Value, key: Value): Value {
  const g = x.graph;
  const shape = o.shapeOf(x);
  const last = o.item(shape, x.rank - 1);
  const rows = o.div(o.reduceProd(shape), last);
  const zero = g.scalar(0, 'int64');
  const one = g.scalar(1, 'int64');
  const rowBase = o.add(o.mul(o.range(zero, rows, one, `${x.name}_rows`), last), key); // [R]
  const cols = o.range(zero, last, one, x.shape[x.rank - 1]); // [L]
  const idx = o.reshapeTo(o.add(o.unsqueeze(rowBase, [1]), o.unsqueeze(cols, [0])), shape, x.shape);
  // The multiply scatters consecutive counters over [0, P); the square breaks their lattice.
  const h = o.mod(o.mul(idx, A), P);
  return o.mod(o.mul(h, h), P);
}

/** Scalar mixing for the per-site key (cheap: scalars only). */
function mixScalar(h: Value, round: number): Value {
  const sq = o.mod(o.mul(h, h), P);
  return o.mod(o.add(o.add(sq, o.mul(h, 16807)), 1_000_003 * (round + 1)), P);
}

/** The key of dropout site `site` for this (seed, step): int64 scalars in, residue mod P out. */
export function siteKey(seed: Value, step: Value, site: number): Value {
  const s = o.mod(seed, P);
  const t = o.mod(step, P);
  let k = o.mod(o.add(o.add(o.mul(s, 48271), o.mul(t, 69621)), (site * 7919) % P), P);
  for (let r = 0; r < 3; r++) k = mixScalar(k, r);
  return k;
}

/** Inverted dropout: x / (1 - p) where the element's residue ≥ p·P, else 0. */
export function dropoutMask(x: Value, p: number, key: Value): Value {
  const keep = o.greaterOrEqual(hashResidues(x, key), Math.ceil(p * P));
  return o.where(keep, o.mul(x, 1 / (1 - p)), 0);
}
