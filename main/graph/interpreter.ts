// A slow reference interpreter of the IR in plain TypeScript: the living definition of each
// op, and a second opinion on ONNX Runtime in tests. With precision 'f64' float tensors are
// held in float64 so finite-difference checks of gradient rules are not drowned in rounding.
import { allocate, dtypeOfOnnx, numel, type DType, type TypedArray } from './dtypes.ts';
import type { Attr, Graph, Node } from './ir.ts';
import { broadcastShapes } from './ops.ts';
import { broadcastIndex, erf, strides } from './interpreter-math.ts';

export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

type Precision = 'f32' | 'f64';

function num(t: Tensor, i: number): number {
  return Number(t.data[i]);
}

function ints(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

export class Interpreter {
  constructor(
    private readonly graph: Graph,
    private readonly precision: Precision = 'f32',
  ) {}

  private alloc(dtype: DType, n: number): TypedArray {
    return dtype === 'float32' && this.precision === 'f64' ? new Float64Array(n) : allocate(dtype, n);
  }

  private make(dtype: DType, shape: readonly number[], fill: (i: number) => number | bigint): Tensor {
    const n = numel(shape);
    const data = this.alloc(dtype, n);
    for (let i = 0; i < n; i++) {
      const v = fill(i);
      (data as unknown as (number | bigint)[])[i] = dtype === 'int64' ? BigInt(v) : dtype === 'bool' ? (v ? 1 : 0) : Number(v);
    }
    return { dtype, shape, data };
  }

  private convert(t: Tensor): Tensor {
    if (t.dtype === 'float32' && this.precision === 'f64' && !(t.data instanceof Float64Array)) return { ...t, data: Float64Array.from(t.data as Float32Array) };
    return t;
  }

  run(feeds: Record<string, Tensor>, fetch?: readonly string[]): Record<string, Tensor> {
    const env = new Map<string, Tensor>();
    for (const [name, c] of this.graph.initializers) env.set(name, this.convert(c));
    for (const [name, t] of Object.entries(feeds)) env.set(name, this.convert(t));
    for (const n of this.graph.nodes) {
      const ins = n.inputs.map((i) => (i ? env.get(i) : undefined));
      n.inputs.forEach((name, k) => {
        if (name && !ins[k]) throw new Error(`${n.op} ${n.name}: input '${name}' has no value`);
      });
      const outs = this.exec(n, ins);
      n.outputs.forEach((name, k) => env.set(name, outs[k]));
    }
    const names = fetch ?? this.graph.outputs.map((v) => v.name);
    const res: Record<string, Tensor> = {};
    for (const name of names) {
      const t = env.get(name);
      if (!t) throw new Error(`no value '${name}'`);
      res[name] = t;
    }
    return res;
  }

  private binary(a: Tensor, b: Tensor, dtype: DType, f: (x: number, y: number) => number, fb?: (x: bigint, y: bigint) => bigint | boolean): Tensor {
    const shape = broadcastShapes(a.shape, b.shape) as number[];
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    if (a.dtype === 'int64' && fb) {
      const A = a.data as BigInt64Array;
      const B = b.data as BigInt64Array;
      return this.make(dtype, shape, (i) => {
        const r = fb(A[ia[i]], B[ib[i]]);
        return typeof r === 'boolean' ? (r ? 1 : 0) : r;
      });
    }
    return this.make(dtype, shape, (i) => f(num(a, ia[i]), num(b, ib[i])));
  }

  private unary(x: Tensor, f: (v: number) => number): Tensor {
    return this.make(x.dtype, x.shape, (i) => f(num(x, i)));
  }

  private exec(n: Node, ins: (Tensor | undefined)[]): Tensor[] {
    const [x, y, z] = ins as Tensor[];
    const a = (name: string): Attr | undefined => n.attrs[name];
    const ai = (name: string, d: number): number => {
      const v = a(name);
      return v && v.kind === 'int' ? v.value : d;
    };
    const af = (name: string, d: number): number => {
      const v = a(name);
      return v && v.kind === 'float' ? v.value : d;
    };
    const bool = (v: boolean): number => (v ? 1 : 0);
    switch (n.op) {
      case 'Add':
        return [this.binary(x, y, x.dtype, (p, q) => p + q, (p, q) => BigInt.asIntN(64, p + q))];
      case 'Sub':
        return [this.binary(x, y, x.dtype, (p, q) => p - q, (p, q) => BigInt.asIntN(64, p - q))];
      case 'Mul':
        // int32 products wrap, as ORT's kernels do (the dropout hash relies on it); a double would round them first.
        return [this.binary(x, y, x.dtype, x.dtype === 'int32' ? Math.imul : (p, q) => p * q, (p, q) => BigInt.asIntN(64, p * q))];
      case 'Div':
        // Integer division truncates toward zero (BigInt division does; Int32Array stores do).
        return [this.binary(x, y, x.dtype, x.dtype === 'int32' ? (p, q) => Math.trunc(p / q) : (p, q) => p / q, (p, q) => p / q)];
      case 'Mod':
        // ONNX Mod with fmod=0: the result has the divisor's sign.
        return [this.binary(x, y, x.dtype, (p, q) => ((p % q) + q) % q, (p, q) => ((p % q) + q) % q)];
      case 'Pow':
        return [this.binary(x, y, x.dtype, (p, q) => p ** q)];
      case 'Min':
        return [this.binary(x, y, x.dtype, Math.min, (p, q) => (p < q ? p : q))];
      case 'Max':
        return [this.binary(x, y, x.dtype, Math.max, (p, q) => (p > q ? p : q))];
      case 'Equal':
        return [this.binary(x, y, 'bool', (p, q) => bool(p === q), (p, q) => p === q)];
      case 'Less':
        return [this.binary(x, y, 'bool', (p, q) => bool(p < q), (p, q) => p < q)];
      case 'Greater':
        return [this.binary(x, y, 'bool', (p, q) => bool(p > q), (p, q) => p > q)];
      case 'GreaterOrEqual':
        return [this.binary(x, y, 'bool', (p, q) => bool(p >= q), (p, q) => p >= q)];
      case 'Where': {
        const shape = broadcastShapes(x.shape, broadcastShapes(y.shape, z.shape)) as number[];
        const [ic, ia, ib] = [x, y, z].map((t) => broadcastIndex(t.shape, shape));
        return [this.make(y.dtype, shape, (i) => (x.data[ic[i]] ? y.data[ia[i]] : z.data[ib[i]]))];
      }
      case 'Neg':
        return [x.dtype === 'int64' ? this.make('int64', x.shape, (i) => -(x.data as BigInt64Array)[i]) : this.unary(x, (v) => -v)];
      case 'Exp':
        return [this.unary(x, Math.exp)];
      case 'Log':
        return [this.unary(x, Math.log)];
      case 'Sqrt':
        return [this.unary(x, Math.sqrt)];
      case 'Erf':
        return [this.unary(x, erf)];
      case 'Tanh':
        return [this.unary(x, Math.tanh)];
      case 'Relu':
        return [this.unary(x, (v) => Math.max(v, 0))];
      case 'Sigmoid':
        return [this.unary(x, (v) => 1 / (1 + Math.exp(-v)))];
      case 'Softplus':
        return [this.unary(x, (v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))))];
      case 'Abs':
        return [this.unary(x, Math.abs)];
      case 'Identity':
        return [x];
      case 'Not':
        return [this.make('bool', x.shape, (i) => bool(!x.data[i]))];
      case 'Cast': {
        const to = dtypeOfOnnx(ai('to', 1));
        return [this.make(to, x.shape, (i) => (to === 'int64' || to === 'int32' ? Math.trunc(num(x, i)) : num(x, i)))];
      }
      case 'Clip':
        return [this.make(x.dtype, x.shape, (i) => Math.min(Math.max(num(x, i), num(y, 0)), num(z, 0)))];
      case 'MatMul':
        return [this.matmul(x, y)];
      case 'Gemm':
        return [this.gemm(x, y, z, ai('transA', 0) === 1, ai('transB', 0) === 1)];
      case 'Transpose': {
        const permAttr = a('perm');
        const perm = permAttr && permAttr.kind === 'ints' ? permAttr.value : x.shape.map((_, i) => x.shape.length - 1 - i);
        const shape = perm.map((p) => x.shape[p]);
        const st = strides(x.shape);
        const os = strides(shape);
        return [this.make(x.dtype, shape, (k) => {
          let src = 0;
          let rem = k;
          for (let d = 0; d < shape.length; d++) {
            const c = Math.floor(rem / os[d]);
            rem -= c * os[d];
            src += c * st[perm[d]];
          }
          return x.data[src];
        })];
      }
      case 'Reshape': {
        const spec = ints(y);
        const shape = spec.map((s, i) => (s === 0 ? x.shape[i] : s));
        const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
        return [{ ...x, shape: shape.map((d) => (d === -1 ? numel(x.shape) / known : d)) }];
      }
      case 'Unsqueeze': {
        const rank = x.shape.length + y.data.length;
        const axes = ints(y).map((v) => (v < 0 ? v + rank : v));
        const shape: number[] = [];
        let k = 0;
        for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]);
        return [{ ...x, shape }];
      }
      case 'Squeeze': {
        const axes = ints(y).map((v) => (v < 0 ? v + x.shape.length : v));
        return [{ ...x, shape: x.shape.filter((_, i) => !axes.includes(i)) }];
      }
      case 'Shape':
        return [this.make('int64', [x.shape.length], (i) => x.shape[i])];
      case 'ReduceProd': {
        if (ai('keepdims', 1) !== 0 || x.shape.length !== 1) throw new Error('interpreter: ReduceProd supports 1-D inputs with keepdims=0');
        let p = 1n;
        for (let i = 0; i < x.data.length; i++) p *= BigInt(x.data[i]);
        return [this.make(x.dtype, [], () => (x.dtype === 'int64' ? p : Number(p)))];
      }
      case 'Softmax':
      case 'LogSoftmax':
        return [this.softmax(x, ai('axis', -1), n.op === 'LogSoftmax')];
      case 'ReduceSum':
        return [this.reduceSum(x, y ? ints(y) : x.shape.map((_, i) => i), ai('keepdims', 1) === 1)];
      case 'ReduceMax': {
        const axes = a('axes');
        return [this.reduceMax(x, axes && axes.kind === 'ints' ? [...axes.value] : x.shape.map((_, i) => i), ai('keepdims', 1) === 1)];
      }
      case 'LayerNormalization':
        return this.layerNorm(x, y, z, af('epsilon', 1e-5));
      case 'Gather': {
        const axis = ai('axis', 0);
        if (axis !== 0) throw new Error('interpreter: Gather supports axis 0 only');
        const rows = x.shape[0];
        const inner = numel(x.shape.slice(1));
        const idx = ints(y).map((v) => (v < 0 ? v + rows : v));
        return [this.make(x.dtype, [...y.shape, ...x.shape.slice(1)], (k) => x.data[idx[Math.floor(k / inner)] * inner + (k % inner)])];
      }
      case 'ScatterND': {
        const data = this.make(x.dtype, x.shape, (i) => x.data[i]);
        const depth = y.shape[y.shape.length - 1];
        const count = numel(y.shape.slice(0, -1));
        const inner = numel(x.shape.slice(depth));
        const st = strides(x.shape);
        const add = a('reduction')?.value === 'add';
        const out = data.data as unknown as number[];
        for (let j = 0; j < count; j++) {
          let base = 0;
          for (let d = 0; d < depth; d++) base += num(y, j * depth + d) * st[d];
          for (let e = 0; e < inner; e++) out[base + e] = (add ? out[base + e] : 0) + num(z, j * inner + e);
        }
        return [data];
      }
      case 'ConstantOfShape': {
        const v = a('value');
        const c = v && v.kind === 'tensor' ? v.value : { dtype: 'float32' as DType, shape: [1], data: Float32Array.of(0) };
        return [this.make(c.dtype, ints(x), () => c.data[0])];
      }
      case 'Expand': {
        const shape = broadcastShapes(x.shape, ints(y)) as number[];
        const idx = broadcastIndex(x.shape, shape);
        return [this.make(x.dtype, shape, (i) => x.data[idx[i]])];
      }
      case 'Range': {
        const [s, l, d] = [num(x, 0), num(y, 0), num(z, 0)];
        const len = Math.max(0, Math.ceil((l - s) / d));
        return [this.make(x.dtype, [len], (i) => s + i * d)];
      }
      case 'CumSum':
        return [this.cumsum(x, num(y, 0))];
      case 'Concat':
        return [this.concat(ins as Tensor[], ai('axis', 0))];
      default:
        throw new Error(`interpreter: no implementation of ${n.op}`);
    }
  }

  private matmul(a: Tensor, b: Tensor): Tensor {
    const [m, k] = a.shape.slice(-2);
    const nn = b.shape[b.shape.length - 1];
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)) as number[];
    const shape = [...batch, m, nn];
    const ia = broadcastIndex(a.shape.slice(0, -2), batch);
    const ib = broadcastIndex(b.shape.slice(0, -2), batch);
    const out = this.alloc(a.dtype, numel(shape)) as Float64Array;
    for (let p = 0; p < numel(batch); p++) {
      const oa = ia[p] * m * k;
      const ob = ib[p] * k * nn;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < nn; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += num(a, oa + i * k + q) * num(b, ob + q * nn + j);
          out[p * m * nn + i * nn + j] = s;
        }
    }
    return { dtype: a.dtype, shape, data: out };
  }

  private gemm(a: Tensor, b: Tensor, c: Tensor | undefined, tA: boolean, tB: boolean): Tensor {
    const [m, k] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const nn = tB ? b.shape[0] : b.shape[1];
    const ic = c ? broadcastIndex(c.shape, [m, nn]) : undefined;
    return this.make(a.dtype, [m, nn], (idx) => {
      const i = Math.floor(idx / nn);
      const j = idx % nn;
      let s = 0;
      for (let q = 0; q < k; q++) s += num(a, tA ? q * m + i : i * k + q) * num(b, tB ? j * k + q : q * nn + j);
      return c && ic ? s + num(c, ic[idx]) : s;
    });
  }

  /** Visits each 1-D fiber along `axis`: f(offset, stride, length). */
  private fibers(shape: readonly number[], axis: number, f: (off: number, stride: number, len: number) => void): void {
    const ax = axis < 0 ? axis + shape.length : axis;
    const len = shape[ax];
    const inner = numel(shape.slice(ax + 1));
    const outer = numel(shape.slice(0, ax));
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * len * inner + i, inner, len);
  }

  private softmax(x: Tensor, axis: number, logOut: boolean): Tensor {
    const out = this.alloc(x.dtype, numel(x.shape)) as Float64Array;
    this.fibers(x.shape, axis, (off, st, len) => {
      let mx = -Infinity;
      for (let i = 0; i < len; i++) mx = Math.max(mx, num(x, off + i * st));
      let s = 0;
      for (let i = 0; i < len; i++) s += Math.exp(num(x, off + i * st) - mx);
      for (let i = 0; i < len; i++) {
        const v = num(x, off + i * st) - mx;
        out[off + i * st] = logOut ? v - Math.log(s) : Math.exp(v) / s;
      }
    });
    return { dtype: x.dtype, shape: x.shape, data: out };
  }

  private reduceSum(x: Tensor, axesIn: number[], keep: boolean): Tensor {
    const axes = axesIn.map((v) => (v < 0 ? v + x.shape.length : v));
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const idx = broadcastIndex(kept, x.shape as number[]);
    const out = this.alloc(x.dtype, numel(kept)) as Float64Array;
    for (let i = 0; i < idx.length; i++) out[idx[i]] += num(x, i);
    return { dtype: x.dtype, shape: keep ? kept : x.shape.filter((_, i) => !axes.includes(i)), data: out };
  }

  private reduceMax(x: Tensor, axesIn: number[], keep: boolean): Tensor {
    const axes = axesIn.map((v) => (v < 0 ? v + x.shape.length : v));
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const idx = broadcastIndex(kept, x.shape as number[]);
    const out = this.alloc(x.dtype, numel(kept)) as Float64Array;
    out.fill(-Infinity);
    for (let i = 0; i < idx.length; i++) out[idx[i]] = Math.max(out[idx[i]], num(x, i));
    return { dtype: x.dtype, shape: keep ? kept : x.shape.filter((_, i) => !axes.includes(i)), data: out };
  }

  private layerNorm(x: Tensor, g: Tensor, b: Tensor, eps: number): Tensor[] {
    const h = x.shape[x.shape.length - 1];
    const rows = numel(x.shape) / h;
    const y = this.alloc(x.dtype, numel(x.shape)) as Float64Array;
    const mean = this.alloc('float32', rows) as Float64Array;
    const inv = this.alloc('float32', rows) as Float64Array;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = 0; i < h; i++) s += num(x, r * h + i);
      const mu = s / h;
      let v = 0;
      for (let i = 0; i < h; i++) v += (num(x, r * h + i) - mu) ** 2;
      const is = 1 / Math.sqrt(v / h + eps);
      mean[r] = mu;
      inv[r] = is;
      for (let i = 0; i < h; i++) y[r * h + i] = (num(x, r * h + i) - mu) * is * num(g, i) + num(b, i);
    }
    const stat = [...x.shape.slice(0, -1), 1];
    return [
      { dtype: x.dtype, shape: x.shape, data: y },
      { dtype: 'float32', shape: stat, data: mean },
      { dtype: 'float32', shape: stat, data: inv },
    ];
  }

  private cumsum(x: Tensor, axis: number): Tensor {
    const out = this.make(x.dtype, x.shape, (i) => x.data[i]);
    const d = out.data as unknown as (number | bigint)[];
    this.fibers(x.shape, axis, (off, st, len) => {
      for (let i = 1; i < len; i++) d[off + i * st] = (d[off + (i - 1) * st] as number) + (d[off + i * st] as number);
    });
    return out;
  }

  private concat(xs: Tensor[], axis: number): Tensor {
    const ax = axis < 0 ? axis + xs[0].shape.length : axis;
    const shape = xs[0].shape.map((d, i) => (i === ax ? xs.reduce((s, t) => s + t.shape[ax], 0) : d));
    const inner = numel(shape.slice(ax + 1));
    const outer = numel(shape.slice(0, ax));
    const parts: (number | bigint)[] = [];
    for (let o = 0; o < outer; o++) for (const t of xs) for (let i = 0; i < t.shape[ax] * inner; i++) parts.push(t.data[o * t.shape[ax] * inner + i]);
    return this.make(xs[0].dtype, shape, (i) => parts[i]);
  }
}
