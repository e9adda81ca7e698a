import { Graph } from '../main/engine/ir.ts';
import { serialize } from '../main/engine/onnx.ts';
import { createSession } from '../main/engine/runtime.ts';
import { dropoutMask, siteKey } from '../main/models/graph/dropout.ts';
for (const p of [0.05, 0.1, 0.5]) {
  const g = new Graph('d');
  const x = g.input('x', 'float32', ['b', 128, 768]);
  const seed = g.input('seed', 'int64', []);
  const step = g.input('step', 'int64', []);
  g.output(dropoutMask(x, p, siteKey(seed, step, 0)), 'a');
  g.output(dropoutMask(x, p, siteKey(seed, step, 1)), 'b');
  const s = await createSession(serialize(g));
  const n = 16 * 128 * 768;
  const run = async (st: number) => s.run({ x: { dtype: 'float32', shape: [16, 128, 768], data: new Float32Array(n).fill(1) }, seed: { dtype: 'int64', shape: [], data: BigInt64Array.of(42n) }, step: { dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(st)) } });
  const o1 = await run(1);
  const o2 = await run(2);
  const a = o1.a.data as Float32Array, b = o1.b.data as Float32Array, c = o2.a.data as Float32Array;
  let drop = 0, adj = 0, both = 0, stepBoth = 0, rowDrop = new Array(768).fill(0);
  for (let i = 0; i < n; i++) {
    const d = a[i] === 0;
    if (d) { drop++; rowDrop[i % 768]++; }
    if (i > 0 && d && a[i - 1] === 0) adj++;
    if (d && b[i] === 0) both++;
    if (d && c[i] === 0) stepBoth++;
  }
  const colMax = Math.max(...rowDrop) / (n / 768), colMin = Math.min(...rowDrop) / (n / 768);
  console.log(`p=${p} drop ${(drop / n).toFixed(5)} adjacent-both ${(adj / n).toFixed(5)} (indep ${(p * p).toFixed(5)}) sites-both ${(both / n).toFixed(5)} steps-both ${(stepBoth / n).toFixed(5)} per-column drop ${colMin.toFixed(4)}..${colMax.toFixed(4)}`);
  await s.release();
}
