// One table of reverse-mode gradient rules, one short entry per op. A rule gets the node's
// inputs, outputs and output gradients and returns one gradient per input (null where the
// input is not differentiable). Rules return gradients in the *output's* broadcast shape;
// autodiff.ts reduces them to each input's shape. Every rule emits standard ONNX ops only.
import { isFloat } from './dtypes.ts';
import type { Node, Value } from './ir.ts';
import * as o from './ops.ts';

export interface RuleContext {
  readonly node: Node;
  readonly ins: readonly Value[];
  readonly outs: readonly Value[];
  /** Gradient of the loss w.r.t. each output, or null when that output does not reach the loss. */
  readonly dOuts: readonly (Value | null)[];
}

export type GradRule = (c: RuleContext) => readonly (Value | null)[];

function intAttr(n: Node, name: string, fallback: number): number {
  const a = n.attrs[name];
  return a && a.kind === 'int' ? a.value : fallback;
}

function intsAttr(n: Node, name: string): readonly number[] {
  const a = n.attrs[name];
  if (!a || a.kind !== 'ints') throw new Error(`${n.op} ${n.name}: attribute ${name} missing`);
  return a.value;
}

/** Reads a constant int64 vector input (e.g. ReduceSum's axes). */
function constInts(v: Value): number[] {
  const c = v.graph.initializers.get(v.name);
  if (!c || c.dtype !== 'int64') throw new Error(`expected constant int64 input, got '${v.name}'`);
  return Array.from(c.data as BigInt64Array, Number);
}

const dy = (c: RuleContext): Value => c.dOuts[0] as Value;
/** The rule of ops that carry no gradient (comparisons, shapes, integer arithmetic). */
export const NO_GRADIENT: GradRule = (c) => c.ins.map(() => null);
const none = NO_GRADIENT;
/** Gradient routing of Max/Min: `first` marks where input 0 won; ties give each half. */
function pick(c: RuleContext, first: Value): (Value | null)[] {
  const [a, b] = c.ins;
  const tie = o.mul(o.cast(o.equal(a, b), a.dtype), 0.5);
  const wa = o.add(o.cast(first, a.dtype), tie);
  return [o.mul(dy(c), wa), o.mul(dy(c), o.sub(1, wa))];
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  Add: (c) => [dy(c), dy(c)],
  Sub: (c) => [dy(c), o.neg(dy(c))],
  Mul: (c) => [o.mul(dy(c), c.ins[1]), o.mul(dy(c), c.ins[0])],
  // d(a/b)/db = -a/b² = -y/b
  Div: (c) => [o.div(dy(c), c.ins[1]), o.neg(o.div(o.mul(dy(c), c.outs[0]), c.ins[1]))],
  // exponent treated as a constant
  Pow: (c) => [o.mul(dy(c), o.mul(c.ins[1], o.pow(c.ins[0], o.sub(c.ins[1], 1)))), null],
  // The larger (smaller) input takes the gradient; ties split it, as torch.maximum/minimum do.
  Max: (c) => pick(c, o.greater(c.ins[0], c.ins[1])),
  Min: (c) => pick(c, o.less(c.ins[0], c.ins[1])),
  Neg: (c) => [o.neg(dy(c))],
  Identity: (c) => [dy(c)],
  Exp: (c) => [o.mul(dy(c), c.outs[0])],
  Log: (c) => [o.div(dy(c), c.ins[0])],
  Sqrt: (c) => [o.div(dy(c), o.mul(c.outs[0], 2))],
  Erf: (c) => [o.mul(dy(c), o.mul(o.exp(o.neg(o.mul(c.ins[0], c.ins[0]))), TWO_OVER_SQRT_PI))],
  Tanh: (c) => [o.mul(dy(c), o.sub(1, o.mul(c.outs[0], c.outs[0])))],
  Sigmoid: (c) => [o.mul(dy(c), o.mul(c.outs[0], o.sub(1, c.outs[0])))],
  Softplus: (c) => [o.mul(dy(c), o.sigmoid(c.ins[0]))],
  Relu: (c) => [o.where(o.greater(c.ins[0], 0), dy(c), 0)],
  // Unclipped elements (y == x) pass the gradient; integer clips (positions) carry none.
  Clip: (c) => [c.ins[0].dtype === 'float32' ? o.where(o.equal(c.outs[0], c.ins[0]), dy(c), 0) : null, null, null],
  Cast: (c) => [isFloat(c.ins[0].dtype) ? o.cast(dy(c), c.ins[0].dtype) : null],
  Where: (c) => [null, o.where(c.ins[0], dy(c), 0), o.where(c.ins[0], 0, dy(c))],
  MatMul: (c) => [o.matmul(dy(c), o.transposeLast(c.ins[1])), o.matmul(o.transposeLast(c.ins[0]), dy(c))],
  // Y = op(A) op(B) + C with op = optional transpose; each case is one Gemm with no explicit Transpose.
  Gemm: (c) => {
    const [a, b] = c.ins;
    const g = dy(c);
    const tA = intAttr(c.node, 'transA', 0) === 1;
    const tB = intAttr(c.node, 'transB', 0) === 1;
    const dA = tA ? o.gemm(b, g, null, { transA: tB, transB: true }) : o.gemm(g, b, null, { transB: !tB });
    const dB = tB ? o.gemm(g, a, null, { transA: true, transB: tA }) : o.gemm(a, g, null, { transA: !tA });
    return c.ins.length > 2 ? [dA, dB, g] : [dA, dB];
  },
  Transpose: (c) => {
    const perm = intsAttr(c.node, 'perm');
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [o.transpose(dy(c), inv)];
  },
  Reshape: (c) => [o.reshapeLike(dy(c), c.ins[0]), null],
  Unsqueeze: (c) => [o.reshapeLike(dy(c), c.ins[0]), null],
  Squeeze: (c) => [o.reshapeLike(dy(c), c.ins[0]), null],
  Expand: (c) => [dy(c), null],
  // dX = P * (dP - Σ dP·P)
  Softmax: (c) => {
    const axis = intAttr(c.node, 'axis', -1);
    const p = c.outs[0];
    return [o.mul(p, o.sub(dy(c), o.reduceSum(o.mul(dy(c), p), [axis], true)))];
  },
  // dX = dY - softmax(X) Σ dY
  LogSoftmax: (c) => {
    const axis = intAttr(c.node, 'axis', -1);
    return [o.sub(dy(c), o.mul(o.exp(c.outs[0]), o.reduceSum(dy(c), [axis], true)))];
  },
  ReduceSum: (c) => {
    const keep = intAttr(c.node, 'keepdims', 1) === 1;
    const g = keep ? dy(c) : o.unsqueeze(dy(c), constInts(c.ins[1]));
    return [o.expandLike(g, c.ins[0]), null];
  },
  // x: [N,H], gamma/beta: [H]; mean/inv: [N,1] from the forward node.
  // xhat = (x-mean)·inv;  dx = inv · (dxhat - mean_H(dxhat) - xhat · mean_H(dxhat·xhat)), dxhat = dy·gamma
  LayerNormalization: (c) => {
    const [x, gamma] = c.ins;
    const [, mean, inv] = c.outs;
    const h = x.shape[x.rank - 1];
    if (typeof h !== 'number') throw new Error('LayerNormalization backward needs a static last dim');
    // Half-precision inputs: the backward runs in float32, as the forward's statistics are
    // (stash_type float); dx goes back in x's dtype, dγ and dβ stay float32 for their sums.
    const f32 = (v: Value) => o.cast(v, 'float32');
    const g = f32(dy(c));
    const xhat = o.mul(o.sub(f32(x), mean), inv);
    const dxhat = o.mul(g, f32(gamma));
    const m1 = o.mul(o.reduceSum(dxhat, [-1], true), 1 / h);
    const m2 = o.mul(o.reduceSum(o.mul(dxhat, xhat), [-1], true), 1 / h);
    const dx = o.mul(inv, o.sub(o.sub(dxhat, m1), o.mul(xhat, m2)));
    return [o.cast(dx, x.dtype), o.mul(g, xhat), g];
  },
  // Embedding lookup: the gradient rows are scatter-added (repeated ids sum).
  Gather: (c) => {
    if (intAttr(c.node, 'axis', 0) !== 0) throw new Error('Gather backward supports axis 0 only');
    const [data, idx] = c.ins;
    // Summed in float32 for half-precision data (ONNX Runtime's CPU ScatterND has no float16 add).
    const wide = data.dtype === 'float16' ? 'float32' : data.dtype;
    const rows = o.scatterNDAdd(o.zerosLike(o.cast(data, wide)), o.unsqueeze(idx, [-1]), o.cast(dy(c), wide));
    return [o.cast(rows, data.dtype), null];
  },
  // Comparisons, shapes and integer arithmetic carry no gradient.
  Equal: none,
  Less: none,
  Greater: none,
  GreaterOrEqual: none,
  Not: none,
  Shape: none,
  ConstantOfShape: none,
  Range: none,
  CumSum: none,
  Mod: none,
  ReduceProd: none,
};
