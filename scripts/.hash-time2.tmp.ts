// Per-column drop-rate spread: new hash vs the old int64 one and Math.random, same shape.
import { Graph } from '../main/engine/ir.ts';
import * as o from '../main/engine/ops.ts';
import { serialize } from '../main/engine/onnx.ts';
import { createSession } from '../main/engine/runtime.ts';
import { dropoutMask, siteKey } from '../main/models/graph/dropout.ts';
const P = 2147483647;
function oldMask(x: ReturnType<Graph['input']>, p: number, key: ReturnType<Graph['input']>) {
  const g = x.graph;
  const shape = o.shapeOf(x);
  const last = o.item(shape, x.rank - 1);
  const rows = o.div(o.reduceProd(shape), last);
  const zero = g.scalar(0, 'int64'); const one = g.scalar(1, 'int64');
  const rowBase = o.add(o.mul(o.range(zero, rows, one, 'r'), last), key);
  const cols = o.range(zero, last, one, 768);
  const idx = o.reshapeTo(o.add(o.unsqueeze(rowBase, [1]), o.unsqueeze(cols, [0])), shape, x.shape);
  const h = o.mod(o.mul(idx, 1103515245), P);
  const r = o.mod(o.mul(h, h), P);
  return o.where(o.greaterOrEqual(r, Math.ceil(p * P)), o.mul(x, 1 / (1 - p)), 0);
}
const n = 16 * 128 * 768;
for (const kind of ['old', 'new', 'old', 'new']) {
  const g = new Graph('t');
  const x = g.input('x', 'float32', [16, 128, 768]);
  const seed = g.input('seed', 'int64', []); const step = g.input('step', 'int64', []);
  let y = x;
  for (let site = 0; site < 6; site++) y = kind === 'new' ? dropoutMask(y, 0.1, siteKey(seed, step, site)) : oldMask(y, 0.1, siteKey(seed, step, site));
  g.output(y, 'y');
  const s = await createSession(serialize(g));
  const feeds = { x: { dtype: 'float32' as const, shape: [16, 128, 768], data: new Float32Array(n).fill(1) }, seed: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(1n) }, step: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(3n) } };
  await s.run(feeds);
  const t = performance.now();
  for (let i = 0; i < 5; i++) await s.run(feeds);
  console.log(kind, ((performance.now() - t) / 5 / 6).toFixed(1), 'ms per site');
  await s.release();
}
