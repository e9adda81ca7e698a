// Dropout masks: a pure function of (seed, step, site, position), the same on ONNX Runtime and
// in the reference interpreter, with the requested keep rate.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../main/graph/ir.ts';
import { Interpreter } from '../../main/graph/interpreter.ts';
import { serialize } from '../../main/graph/onnx.ts';
import { createSession } from '../../main/engine/runtime.ts';
import { dropoutMask, siteKey } from '../../main/models/graph/dropout.ts';

function maskGraph(p: number) {
  const g = new Graph('dropout');
  const x = g.input('x', 'float32', ['n', 64]);
  const seed = g.input('seed', 'int64', []);
  const step = g.input('step', 'int64', []);
  g.output(dropoutMask(x, p, siteKey(seed, step, 0)), 'a');
  g.output(dropoutMask(x, p, siteKey(seed, step, 1)), 'b');
  return g;
}

const feeds = (seed: number, step: number) => ({
  x: { dtype: 'float32' as const, shape: [64, 64], data: new Float32Array(64 * 64).fill(1) },
  seed: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(BigInt(seed)) },
  step: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(BigInt(step)) },
});

describe('in-graph dropout', () => {
  it('keeps about 1 - p of the elements, scaled by 1/(1-p), independently per site', async () => {
    const session = await createSession(serialize(maskGraph(0.1)), { threads: 1 });
    const out = await session.run(feeds(42, 7));
    const a = out.a.data as Float32Array;
    const b = out.b.data as Float32Array;
    const kept = a.filter((v) => v !== 0);
    expect(kept.length / a.length).toBeGreaterThan(0.87);
    expect(kept.length / a.length).toBeLessThan(0.93);
    expect(kept.every((v) => Math.abs(v - 1 / 0.9) < 1e-6)).toBe(true);
    let same = 0;
    for (let i = 0; i < a.length; i++) if ((a[i] === 0) === (b[i] === 0) && a[i] === 0) same++;
    // both dropped: ~1% by chance for independent sites
    expect(same / a.length).toBeLessThan(0.03);
    await session.release();
  });

  it('is a pure function of (seed, step): repeatable, different for another step or seed, equal to the interpreter', async () => {
    const g = maskGraph(0.5);
    const session = await createSession(serialize(g), { threads: 1 });
    const run = async (seed: number, step: number) => Array.from((await session.run(feeds(seed, step))).a.data as Float32Array);
    const first = await run(1, 1);
    expect(await run(1, 1)).toEqual(first);
    expect(await run(1, 2)).not.toEqual(first);
    expect(await run(2, 1)).not.toEqual(first);
    const ref = new Interpreter(g).run(feeds(1, 1));
    expect(Array.from(ref.a.data as Float32Array)).toEqual(first);
    await session.release();
  });
});
