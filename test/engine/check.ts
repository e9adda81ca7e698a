// Test helpers: random tensors, relative L2 error, finite-difference gradient checks on the
// f64 interpreter, and interpreter-vs-ONNX Runtime agreement.
import { gradients } from '../../main/graph/autodiff.ts';
import type { Graph, Value } from '../../main/graph/ir.ts';
import { Interpreter, type Tensor } from '../../main/graph/interpreter.ts';
import { serialize } from '../../main/graph/onnx.ts';
import * as o from '../../main/graph/ops.ts';
import { createSession } from '../../main/engine/runtime.ts';

/** Deterministic uniform numbers in [lo, hi). */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0 || 1;
  return (lo = -1, hi = 1) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return lo + ((s >>> 0) / 2 ** 32) * (hi - lo);
  };
}

export function randTensor(shape: number[], r: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, () => r()) };
}

export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** First elements that differ, for failure messages. */
export function firstDiffs(a: ArrayLike<number>, b: ArrayLike<number>, n = 4): string {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < n; i++) if (Math.abs(a[i] - b[i]) > 1e-6 * (Math.abs(b[i]) + 1e-3)) out.push(`[${i}] got ${a[i]} want ${b[i]}`);
  return out.join('; ');
}

export interface GradCase {
  graph: Graph;
  /** Scalar to differentiate. */
  loss: Value;
  /** Float inputs checked by finite differences, with their values. */
  params: { value: Value; data: Tensor }[];
  /** Other feeds (ints, masks). */
  feeds?: Record<string, Tensor>;
}

/**
 * Builds the backward graph and returns the worst finite-difference relative error (f64
 * interpreter) and the worst interpreter-vs-ORT error (f32) over the loss and every gradient.
 */
export async function checkGradients(c: GradCase): Promise<{ fd: number; ort: number; detail: string }> {
  const g = c.graph;
  // Weighting by a random tensor keeps symmetric ops (softmax, layer norm) from summing to 0.
  const grads = gradients(c.loss, c.params.map((p) => p.value));
  const names = grads.map((d, i) => {
    if (!d) throw new Error(`no gradient reached ${c.params[i].value.name}`);
    return g.output(o.identity(d), `grad_${i}`).name;
  });
  g.output(c.loss, 'loss_out');
  const feeds: Record<string, Tensor> = { ...(c.feeds ?? {}) };
  for (const p of c.params) feeds[p.value.name] = p.data;
  const f64 = new Interpreter(g, 'f64');
  const exact = f64.run(feeds);
  let fd = 0;
  let detail = '';
  const h = 1e-6;
  c.params.forEach((p, i) => {
    const base = Float64Array.from(p.data.data as Float32Array);
    const numeric = new Float64Array(base.length);
    for (let k = 0; k < base.length; k++) {
      const at = (delta: number): number => {
        const d = Float64Array.from(base);
        d[k] += delta;
        const res = f64.run({ ...feeds, [p.value.name]: { dtype: 'float32', shape: p.data.shape, data: d as unknown as Float32Array } }, ['loss_out']);
        return Number(res.loss_out.data[0]);
      };
      numeric[k] = (at(h) - at(-h)) / (2 * h);
    }
    const analytic = Array.from(exact[names[i]].data as Float64Array);
    const e = relErr(analytic, numeric);
    if (e > fd) {
      fd = e;
      detail = `${p.value.name}: ${firstDiffs(analytic, numeric)}`;
    }
  });
  const session = await createSession(serialize(g), { threads: 1 });
  const ortOut = await session.run(feeds);
  await session.release();
  const f32 = new Interpreter(g, 'f32').run(feeds);
  let ort = 0;
  for (const name of [...names, 'loss_out']) {
    const e = relErr(Array.from(ortOut[name].data as Float32Array), Array.from(f32[name].data as Float32Array));
    if (e > ort) {
      ort = e;
      detail += ` | ort ${name}: ${firstDiffs(Array.from(ortOut[name].data as Float32Array), Array.from(f32[name].data as Float32Array))}`;
    }
  }
  return { fd, ort, detail };
}
