// The graph IR: values (dtype + symbolic shape), nodes (op, inputs, outputs, attributes),
// graph inputs/outputs and initializers. Construction only; ops.ts has the math helpers,
// onnx.ts serializes, interpreter.ts evaluates.
import { toHalfBits, type DType, type TypedArray } from './dtypes.ts';

/** A dimension: a size, or a symbol such as 'batch', 'seq' or 'batch*seq'. */
export type Dim = number | string;

export interface Constant {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

export type Attr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: Constant };

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  ints: (value: readonly number[]): Attr => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attr => ({ kind: 'floats', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
  tensor: (value: Constant): Attr => ({ kind: 'tensor', value }),
};

export class Value {
  constructor(
    readonly graph: Graph,
    /** Changed only by Graph.output when it renames a node's result in place. */
    public name: string,
    readonly dtype: DType,
    readonly shape: readonly Dim[],
  ) {}
  get rank(): number {
    return this.shape.length;
  }
}

export interface Node {
  readonly op: string;
  readonly name: string;
  /** '' marks an omitted optional input. */
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attrs: Readonly<Record<string, Attr>>;
}

export interface OutSpec {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/**
 * A composite op (built from primitives) with a hand-fused backward: autodiff applies
 * `backward` at `output` and sends the results straight to `inputs`, skipping the
 * primitives' own rules.
 */
export interface Composite {
  readonly inputs: readonly Value[];
  readonly backward: (dy: Value) => readonly (Value | null)[];
}

export class Graph {
  readonly composites = new Map<Value, Composite>();
  readonly values = new Map<string, Value>();
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers = new Map<string, Constant>();
  private counter = 0;
  private readonly constCache = new Map<string, Value>();

  constructor(readonly name = 'graph') {}

  private register(name: string, dtype: DType, shape: readonly Dim[]): Value {
    if (this.values.has(name)) throw new Error(`value '${name}' defined twice`);
    const v = new Value(this, name, dtype, shape);
    this.values.set(name, v);
    return v;
  }

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): Value {
    const v = this.register(name, dtype, shape);
    this.inputs.push(v);
    return v;
  }

  /**
   * Marks `v` as a graph output named `name`. A node's result that is not yet an output is
   * renamed in place (an Identity would copy the tensor); inputs, initializers and values
   * already exported go through an Identity.
   */
  output(v: Value, name = v.name): Value {
    let out = v;
    if (name !== v.name) {
      if (this.values.has(name)) throw new Error(`value '${name}' defined twice`);
      const producer = this.nodes.find((n) => n.outputs.includes(v.name));
      if (producer && !this.outputs.includes(v)) {
        const old = v.name;
        for (const n of this.nodes) {
          for (let i = 0; i < n.inputs.length; i++) if (n.inputs[i] === old) n.inputs[i] = name;
          for (let i = 0; i < n.outputs.length; i++) if (n.outputs[i] === old) n.outputs[i] = name;
        }
        this.values.delete(old);
        v.name = name;
        this.values.set(name, v);
      } else out = this.node('Identity', [v], [{ dtype: v.dtype, shape: v.shape }], {}, name)[0];
    }
    this.outputs.push(out);
    return out;
  }

  initializer(name: string, c: Constant): Value {
    this.initializers.set(name, c);
    return this.register(name, c.dtype, c.shape);
  }

  /** A constant tensor; small ones are shared by value so repeated scalars add one initializer. */
  constant(c: Constant): Value {
    const key = c.data.length <= 16 ? `${c.dtype}|${c.shape.join(',')}|${Array.from(c.data as ArrayLike<number | bigint>, String).join(',')}` : undefined;
    const hit = key === undefined ? undefined : this.constCache.get(key);
    if (hit) return hit;
    const v = this.initializer(this.fresh('const'), c);
    if (key !== undefined) this.constCache.set(key, v);
    return v;
  }

  scalar(x: number, dtype: DType = 'float32'): Value {
    const data =
      dtype === 'int64' ? BigInt64Array.of(BigInt(x)) : dtype === 'float64' ? Float64Array.of(x) : dtype === 'int32' ? Int32Array.of(x) : dtype === 'bool' ? Uint8Array.of(x) : dtype === 'float16' ? Uint16Array.of(toHalfBits(x)) : Float32Array.of(x);
    return this.constant({ dtype, shape: [], data });
  }

  ints(xs: readonly number[]): Value {
    return this.constant({ dtype: 'int64', shape: [xs.length], data: BigInt64Array.from(xs, (x) => BigInt(x)) });
  }

  /** Appends a node; `outName` names its single output (else names are generated). */
  node(op: string, inputs: readonly (Value | null)[], outs: readonly OutSpec[], attrs: Record<string, Attr> = {}, outName?: string): Value[] {
    for (const i of inputs) if (i && i.graph !== this) throw new Error(`${op}: input '${i.name}' belongs to another graph`);
    const name = this.fresh(op.toLowerCase());
    const outputs = outs.map((o, k) => this.register(outName && outs.length === 1 ? outName : `${name}${outs.length > 1 ? `_o${k}` : ''}`, o.dtype, o.shape));
    this.nodes.push({ op, name, inputs: inputs.map((i) => (i ? i.name : '')), outputs: outputs.map((o) => o.name), attrs });
    return outputs;
  }

  /** Declares `output` (computed from `inputs`) a composite with a fused backward. */
  composite(output: Value, inputs: readonly Value[], backward: Composite['backward']): Value {
    this.composites.set(output, { inputs, backward });
    return output;
  }

  value(name: string): Value {
    const v = this.values.get(name);
    if (!v) throw new Error(`no value named '${name}'`);
    return v;
  }

  /** The node producing each value (inputs and initializers have none). */
  producers(): Map<string, Node> {
    const m = new Map<string, Node>();
    for (const n of this.nodes) for (const o of n.outputs) m.set(o, n);
    return m;
  }
}
