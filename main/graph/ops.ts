// Builder helpers that read like the math: `add(matmul(x, w), b)`. Each emits one standard
// ONNX (opset 17) node and infers the output's dtype and symbolic shape.
import { DTYPES, type DType } from './dtypes.ts';
import { attr, type Dim, type Value } from './ir.ts';

type Operand = Value | number;

function lift(ref: Value, x: Operand): Value {
  return typeof x === 'number' ? ref.graph.scalar(x, ref.dtype) : x;
}

function ref(...xs: Operand[]): Value {
  const v = xs.find((x): x is Value => typeof x !== 'number');
  if (!v) throw new Error('an op needs at least one Value operand');
  return v;
}

/** Numpy broadcasting of two shapes; symbolic dims are assumed compatible. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function binary(op: string, a: Operand, b: Operand, dtype?: DType): Value {
  const r = ref(a, b);
  const x = lift(r, a);
  const y = lift(r, b);
  return r.graph.node(op, [x, y], [{ dtype: dtype ?? x.dtype, shape: broadcastShapes(x.shape, y.shape) }])[0];
}

export const add = (a: Operand, b: Operand): Value => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Value => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Value => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Value => binary('Div', a, b);
export const pow = (a: Operand, b: Operand): Value => binary('Pow', a, b);
export const min = (a: Operand, b: Operand): Value => binary('Min', a, b);
export const max = (a: Operand, b: Operand): Value => binary('Max', a, b);
export const mod = (a: Operand, b: Operand): Value => binary('Mod', a, b);
export const equal = (a: Operand, b: Operand): Value => binary('Equal', a, b, 'bool');
export const less = (a: Operand, b: Operand): Value => binary('Less', a, b, 'bool');
export const greater = (a: Operand, b: Operand): Value => binary('Greater', a, b, 'bool');
export const greaterOrEqual = (a: Operand, b: Operand): Value => binary('GreaterOrEqual', a, b, 'bool');

function unary(op: string, x: Value): Value {
  return x.graph.node(op, [x], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export const neg = (x: Value): Value => unary('Neg', x);
export const exp = (x: Value): Value => unary('Exp', x);
export const log = (x: Value): Value => unary('Log', x);
export const sqrt = (x: Value): Value => unary('Sqrt', x);
export const erf = (x: Value): Value => unary('Erf', x);
export const tanh = (x: Value): Value => unary('Tanh', x);
export const relu = (x: Value): Value => unary('Relu', x);
export const sigmoid = (x: Value): Value => unary('Sigmoid', x);
export const softplus = (x: Value): Value => unary('Softplus', x);
export const abs = (x: Value): Value => unary('Abs', x);
export const identity = (x: Value): Value => unary('Identity', x);
export const not = (x: Value): Value => unary('Not', x);

export function cast(x: Value, to: DType): Value {
  if (x.dtype === to) return x;
  return x.graph.node('Cast', [x], [{ dtype: to, shape: x.shape }], { to: attr.int(DTYPES[to].onnx) })[0];
}

export function where(cond: Value, a: Operand, b: Operand): Value {
  const r = ref(a, b);
  const x = lift(r, a);
  const y = lift(r, b);
  return cond.graph.node('Where', [cond, x, y], [{ dtype: x.dtype, shape: broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape)) }])[0];
}

/** Batched matrix product: [..., M, K] @ [..., K, N] → [..., M, N]. */
export function matmul(a: Value, b: Value): Value {
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return a.graph.node('MatMul', [a, b], [{ dtype: a.dtype, shape: [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]] }])[0];
}

/** 2-D Gemm: op(a) @ op(b) (+ c), op = transpose when the flag is set. */
export function gemm(a: Value, b: Value, c: Value | null, opts: { transA?: boolean; transB?: boolean } = {}): Value {
  const m = opts.transA ? a.shape[1] : a.shape[0];
  const n = opts.transB ? b.shape[0] : b.shape[1];
  const attrs = { ...(opts.transA ? { transA: attr.int(1) } : {}), ...(opts.transB ? { transB: attr.int(1) } : {}) };
  return a.graph.node('Gemm', c ? [a, b, c] : [a, b], [{ dtype: a.dtype, shape: [m, n] }], attrs)[0];
}

export function transpose(x: Value, perm: readonly number[]): Value {
  return x.graph.node('Transpose', [x], [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }], { perm: attr.ints(perm) })[0];
}

/** Swaps the last two axes. */
export function transposeLast(x: Value): Value {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return transpose(x, perm);
}

function inferredDim(x: Value, spec: readonly number[]): Dim {
  const known = spec.reduce<number>((p, d, j) => p * (d === -1 ? 1 : d === 0 ? Number(x.shape[j]) : d), 1);
  const all = x.shape.reduce<number>((p, d) => p * Number(d), 1);
  // Symbolic inputs give NaN: name the dim after the value so it never equals another dim by accident.
  return Number.isFinite(all / known) ? all / known : `${x.name}_flat`;
}

/** Reshape with ONNX semantics (0 copies the input dim, -1 is inferred); `dims` names the result's dims. */
export function reshape(x: Value, spec: readonly number[], dims?: readonly Dim[]): Value {
  const shape: Dim[] = dims ? [...dims] : spec.map((s, i) => (s === 0 ? x.shape[i] : s === -1 ? inferredDim(x, spec) : s));
  return x.graph.node('Reshape', [x, x.graph.ints(spec)], [{ dtype: x.dtype, shape }])[0];
}

/** Reshape to a runtime shape (int64 [rank]); `dims` names the result's dims. */
export function reshapeTo(x: Value, shape: Value, dims: readonly Dim[]): Value {
  return x.graph.node('Reshape', [x, shape], [{ dtype: x.dtype, shape: dims }])[0];
}

/** Product of all elements of a 1-D int64 tensor (e.g. a shape), as a scalar. */
export function reduceProd(x: Value): Value {
  return x.graph.node('ReduceProd', [x], [{ dtype: x.dtype, shape: [] }], { keepdims: attr.int(0) })[0];
}

/** Reshape to the runtime shape of `like`. */
export function reshapeLike(x: Value, like: Value): Value {
  return x.graph.node('Reshape', [x, shapeOf(like)], [{ dtype: x.dtype, shape: like.shape }])[0];
}

export function shapeOf(x: Value): Value {
  return x.graph.node('Shape', [x], [{ dtype: 'int64', shape: [x.rank] }])[0];
}

export function softmax(x: Value, axis = -1): Value {
  return x.graph.node('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: attr.int(axis) })[0];
}

/**
 * log softmax(x) = (x - max) - log Σ exp(x - max), built from ReduceMax, Sub, Exp, ReduceSum and
 * Log rather than one LogSoftmax node: ONNX Runtime's WebGPU provider has no LogSoftmax kernel
 * and ran it on the CPU, copying the logits to the host and back every step. The max shift
 * keeps exp from overflowing, as LogSoftmax kernels do; the backward is LogSoftmax's, fused.
 */
export function logSoftmax(x: Value, axis = -1): Value {
  const shifted = sub(x, reduceMax(x, [axis], true));
  const y = sub(shifted, log(reduceSum(exp(shifted), [axis], true)));
  // dX = dY - softmax(X) Σ dY (the max is a constant shift: it carries no gradient).
  return x.graph.composite(y, [x], (dy) => [sub(dy, mul(exp(y), reduceSum(dy, [axis], true)))]);
}

/** Max over `axes` (opset 17: ReduceMax takes its axes as an attribute, not an input). */
export function reduceMax(x: Value, axes: readonly number[], keepdims: boolean): Value {
  const norm = axes.map((a) => normAxis(a, x.rank));
  const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
  return x.graph.node('ReduceMax', [x], [{ dtype: x.dtype, shape }], { axes: attr.ints(axes), keepdims: attr.int(keepdims ? 1 : 0) })[0];
}

export function reduceSum(x: Value, axes: readonly number[], keepdims: boolean): Value {
  const norm = axes.map((a) => normAxis(a, x.rank));
  const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
  return x.graph.node('ReduceSum', [x, x.graph.ints(axes)], [{ dtype: x.dtype, shape }], { keepdims: attr.int(keepdims ? 1 : 0) })[0];
}

/** Sum of every element, as a scalar. */
export function sumAll(x: Value): Value {
  return reduceSum(x, x.shape.map((_, i) => i), false);
}

/** opset-17 LayerNormalization over the last axis: [y, mean, invStdDev] (the last two [..., 1]). */
export function layerNorm(x: Value, gamma: Value, beta: Value, eps: number): [Value, Value, Value] {
  const stat = [...x.shape.slice(0, -1), 1];
  const [y, mean, inv] = x.graph.node(
    'LayerNormalization',
    [x, gamma, beta],
    [
      { dtype: x.dtype, shape: x.shape },
      { dtype: 'float32', shape: stat },
      { dtype: 'float32', shape: stat },
    ],
    { axis: attr.int(-1), epsilon: attr.float(eps) },
  );
  return [y, mean, inv];
}

/** data[indices] along axis 0: [V, ...rest] with indices I → [...I, ...rest]. */
export function gather(data: Value, indices: Value, axis = 0): Value {
  const a = normAxis(axis, data.rank);
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return data.graph.node('Gather', [data, indices], [{ dtype: data.dtype, shape }], axis ? { axis: attr.int(axis) } : {})[0];
}

/** data with the slices at `indices` replaced by `updates`. */
export function scatterND(data: Value, indices: Value, updates: Value): Value {
  return data.graph.node('ScatterND', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }])[0];
}

/** data with `updates` added at `indices` (last axis of indices indexes data). */
export function scatterNDAdd(data: Value, indices: Value, updates: Value): Value {
  return data.graph.node('ScatterND', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], { reduction: attr.string('add') })[0];
}

/** A tensor of `value` with the runtime shape `shape` (int64 [rank]); `dims` names its dims. */
export function constantOfShape(shape: Value, value: number, dtype: DType, dims: readonly Dim[]): Value {
  const data = dtype === 'int64' ? BigInt64Array.of(BigInt(value)) : dtype === 'float32' ? Float32Array.of(value) : Float64Array.of(value);
  return shape.graph.node('ConstantOfShape', [shape], [{ dtype, shape: dims }], { value: attr.tensor({ dtype, shape: [1], data }) })[0];
}

/**
 * Zeros of x's runtime shape, as a scalar 0 expanded over Shape(x): ONNX Runtime's WebGPU
 * provider has no ConstantOfShape kernel, so the zero tables of gather gradients were made on
 * the CPU and copied to the GPU every step; Expand runs there.
 */
export function zerosLike(x: Value): Value {
  return expand(x.graph.scalar(0, x.dtype), shapeOf(x), x.shape);
}

export function expand(x: Value, shape: Value, dims: readonly Dim[]): Value {
  return x.graph.node('Expand', [x, shape], [{ dtype: x.dtype, shape: dims }])[0];
}

export function expandLike(x: Value, like: Value): Value {
  return expand(x, shapeOf(like), broadcastShapes(x.shape, like.shape));
}

export function unsqueeze(x: Value, axes: readonly number[]): Value {
  const rank = x.rank + axes.length;
  const norm = axes.map((a) => normAxis(a, rank));
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : x.shape[k++]);
  return x.graph.node('Unsqueeze', [x, x.graph.ints(axes)], [{ dtype: x.dtype, shape }])[0];
}

export function squeeze(x: Value, axes: readonly number[]): Value {
  const norm = axes.map((a) => normAxis(a, x.rank));
  return x.graph.node('Squeeze', [x, x.graph.ints(axes)], [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !norm.includes(i)) }])[0];
}

/** [start, limit) by delta, scalars of one dtype; `dim` names the length. */
export function range(start: Value, limit: Value, delta: Value, dim: Dim): Value {
  return start.graph.node('Range', [start, limit, delta], [{ dtype: start.dtype, shape: [dim] }])[0];
}

export function cumsum(x: Value, axis: number): Value {
  return x.graph.node('CumSum', [x, x.graph.scalar(axis, 'int64')], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export function concat(xs: readonly Value[], axis: number): Value {
  const a = normAxis(axis, xs[0].rank);
  const total = xs.every((x) => typeof x.shape[a] === 'number') ? xs.reduce((s, x) => s + (x.shape[a] as number), 0) : xs.map((x) => x.shape[a]).join('+');
  const shape = xs[0].shape.map((d, i) => (i === a ? total : d));
  return xs[0].graph.node('Concat', xs, [{ dtype: xs[0].dtype, shape }], { axis: attr.int(axis) })[0];
}

/** x clamped to [lo, hi] (scalars of x's dtype). */
export function clip(x: Value, lo: Operand, hi: Operand): Value {
  return x.graph.node('Clip', [x, lift(x, lo), lift(x, hi)], [{ dtype: x.dtype, shape: x.shape }])[0];
}

/** The i-th element of a 1-D int64 tensor as a scalar. */
export function item(x: Value, i: number): Value {
  return gather(x, x.graph.scalar(i, 'int64'));
}
