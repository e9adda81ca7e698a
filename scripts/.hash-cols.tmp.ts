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
const spread = (a: Float32Array) => { const c = new Array(768).fill(0); for (let i = 0; i < n; i++) if (a[i] === 0) c[i % 768]++; const m = n / 768; return [Math.min(...c) / m, Math.max(...c) / m].map((v) => v.toFixed(4)).join('..'); };
for (const p of [0.05, 0.1]) {
  for (const kind of ['new', 'old']) {
    const res: string[] = [];
    for (const st of [1, 2, 3]) {
      const g = new Graph('d');
      const x = g.input('x', 'float32', ['b', 128, 768]);
      const seed = g.input('seed', 'int64', []); const step = g.input('step', 'int64', []);
      g.output(kind === 'new' ? dropoutMask(x, p, siteKey(seed, step, 0)) : oldMask(x, p, siteKey(seed, step, 0)), 'a');
      const s = await createSession(serialize(g));
      const out = await s.run({ x: { dtype: 'float32', shape: [16, 128, 768], data: new Float32Array(n).fill(1) }, seed: { dtype: 'int64', shape: [], data: BigInt64Array.of(42n) }, step: { dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(st)) } });
      res.push(spread(out.a.data as Float32Array));
      await s.release();
    }
    console.log(`p=${p} ${kind}: ${res.join('  ')}`);
  }
  const r: string[] = [];
  for (let k = 0; k < 3; k++) r.push(spread(Float32Array.from({ length: n }, () => (Math.random() < p ? 0 : 1))));
  console.log(`p=${p} random: ${r.join('  ')}`);
}
