// Finite-difference check of every differentiable rule in GRAD_RULES, and ONNX Runtime
// agreeing with the reference interpreter on each forward and backward graph.
import { describe, expect, it } from 'vitest';
import { gradients } from '../../main/graph/autodiff.ts';
import { GRAD_RULES, NO_GRADIENT } from '../../main/graph/gradients.ts';
import { Graph, type Value } from '../../main/graph/ir.ts';
import * as o from '../../main/graph/ops.ts';
import { checkGradients, randTensor, rng, type GradCase } from './check.ts';
import type { Tensor } from '../../main/graph/interpreter.ts';

type Builder = (g: Graph, p: (shape: number[], lo?: number, hi?: number) => Value) => Value;

function makeCase(seed: number, build: Builder, feeds: Record<string, Tensor> = {}): GradCase {
  const r = rng(seed);
  const g = new Graph('grad_test');
  const params: GradCase['params'] = [];
  const p = (shape: number[], lo = -1, hi = 1) => {
    const value = g.input(`p${params.length}`, 'float32', shape);
    params.push({ value, data: randTensor(shape, () => r(lo, hi)) });
    return value;
  };
  for (const [k, t] of Object.entries(feeds)) g.input(k, t.dtype, t.shape);
  const y = build(g, p);
  // loss = Σ y ⊙ w with a fixed random w, so every output element matters differently.
  const w = g.constant(randTensor(y.shape as number[], () => r()));
  return { graph: g, loss: o.sumAll(o.mul(y, w)), params, feeds };
}

const CASES: Record<string, [Builder, Record<string, Tensor>?][]> = {
  Add: [[(_, p) => o.add(p([2, 3]), p([3]))]],
  Sub: [[(_, p) => o.sub(p([2, 1]), p([2, 3]))]],
  Mul: [[(_, p) => o.mul(p([2, 3]), p([1, 3]))]],
  Div: [[(_, p) => o.div(p([2, 3]), p([3], 0.5, 2))]],
  Pow: [[(g, p) => o.pow(p([2, 3], 0.5, 2), g.scalar(3))]],
  Neg: [[(_, p) => o.neg(p([4]))]],
  Max: [[(_, p) => o.max(p([2, 3]), p([3]))]],
  Min: [[(_, p) => o.min(p([2, 3]), p([2, 1]))]],
  Identity: [[(_, p) => o.identity(p([4]))]],
  Exp: [[(_, p) => o.exp(p([2, 3]))]],
  Log: [[(_, p) => o.log(p([2, 3], 0.5, 2))]],
  Sqrt: [[(_, p) => o.sqrt(p([2, 3], 0.5, 2))]],
  Erf: [[(_, p) => o.erf(p([2, 3], -2, 2))]],
  Tanh: [[(_, p) => o.tanh(p([2, 3]))]],
  Sigmoid: [[(_, p) => o.sigmoid(p([2, 3], -3, 3))]],
  Softplus: [[(_, p) => o.softplus(p([2, 3], -3, 3))]],
  Clip: [[(_, p) => o.clip(p([2, 4]), -0.5, 0.5)]],
  Relu: [[(_, p) => o.relu(p([2, 4]))]],
  Cast: [[(_, p) => o.cast(o.mul(o.cast(p([3]), 'float64'), o.cast(p([3]), 'float64')), 'float32')]],
  Where: [[(g, p) => o.where(g.constant({ dtype: 'bool', shape: [2, 3], data: Uint8Array.of(1, 0, 1, 1, 0, 0) }), p([2, 3]), p([3]))]],
  MatMul: [[(_, p) => o.matmul(p([2, 2, 3]), p([2, 3, 4]))], [(_, p) => o.matmul(p([2, 3, 4]), p([4, 2]))]],
  Gemm: [
    [(_, p) => o.gemm(p([3, 4]), p([2, 4]), p([2]), { transB: true })],
    [(_, p) => o.gemm(p([4, 3]), p([4, 2]), null, { transA: true })],
    [(_, p) => o.gemm(p([4, 3]), p([2, 4]), p([3, 2]), { transA: true, transB: true })],
    [(_, p) => o.gemm(p([3, 4]), p([4, 2]), null)],
  ],
  Transpose: [[(_, p) => o.transpose(p([2, 3, 4]), [2, 0, 1])]],
  Reshape: [[(_, p) => o.reshape(p([2, 6]), [0, 2, 3])]],
  Unsqueeze: [[(_, p) => o.unsqueeze(p([2, 3]), [1])]],
  Squeeze: [[(_, p) => o.squeeze(p([2, 1, 3]), [1])]],
  Expand: [[(g, p) => o.expand(p([1, 3]), g.ints([2, 3]), [2, 3])]],
  Softmax: [[(_, p) => o.softmax(p([2, 4]), -1)], [(_, p) => o.softmax(p([2, 3, 2]), 1)]],
  LogSoftmax: [[(_, p) => o.logSoftmax(p([3, 4]), -1)]],
  ReduceSum: [[(_, p) => o.reduceSum(p([2, 3, 2]), [1], true)], [(_, p) => o.reduceSum(p([2, 3, 2]), [0, 2], false)]],
  LayerNormalization: [[(_, p) => o.layerNorm(p([3, 5]), p([5]), p([5]), 1e-5)[0]]],
  Gather: [[(g, p) => o.gather(p([5, 3]), g.value('ids')), { ids: { dtype: 'int64', shape: [2, 3], data: BigInt64Array.of(1n, 4n, 1n, 0n, 4n, 4n) } }]],
};

describe('gradient rules', () => {
  const differentiable = Object.keys(GRAD_RULES).filter((op) => GRAD_RULES[op] !== NO_GRADIENT);
  it('has a finite-difference case for every differentiable rule', () => {
    expect(differentiable.filter((op) => !CASES[op])).toEqual([]);
  });
  for (const [op, cases] of Object.entries(CASES)) {
    cases.forEach(([build, feeds], i) => {
      it(`${op} #${i}: matches finite differences, and ORT matches the interpreter`, async () => {
        const res = await checkGradients(makeCase(17 + i, build, feeds));
        expect(res.fd, res.detail).toBeLessThan(1e-6);
        expect(res.ort, res.detail).toBeLessThan(1e-5);
      });
    });
  }

  it('GELU composite: its fused backward matches finite differences, and ORT matches the interpreter', async () => {
    const { gelu } = await import('../../main/models/graph/context.ts');
    const res = await checkGradients(makeCase(5, (_, p) => gelu(p([3, 4], -3, 3))));
    expect(res.fd, res.detail).toBeLessThan(1e-6);
    expect(res.ort, res.detail).toBeLessThan(1e-5);
  });

  it('fails loudly on an op without a rule', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    const loss = o.sumAll(o.abs(x));
    expect(() => gradients(loss, [x])).toThrow('no gradient rule for Abs');
  });

  it('sums fan-in and returns null for inputs that do not reach the loss', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    const unused = g.input('u', 'float32', [3]);
    const loss = o.sumAll(o.add(o.mul(x, x), x)); // d/dx = 2x + 1
    const [dx, du] = gradients(loss, [x, unused]);
    expect(du).toBeNull();
    g.output(dx as Value, 'dx');
    const { Interpreter } = await import('../../main/graph/interpreter.ts');
    const out = new Interpreter(g).run({ x: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) }, u: { dtype: 'float32', shape: [3], data: new Float32Array(3) } });
    expect(Array.from(out.dx.data as Float32Array)).toEqual([3, 5, 7]);
  });
});
