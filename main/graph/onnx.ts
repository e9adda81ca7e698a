// Deterministic ONNX serialization (opset 17) through onnx-proto's generated protobufjs code:
// nodes in insertion order, attributes sorted by name, initializers in insertion order, so
// the same graph always gives the same bytes.
import onnxProto from 'onnx-proto';
import { DTYPES } from './dtypes.ts';
import type { Attr, Constant, Graph, Value } from './ir.ts';

const { onnx } = onnxProto;
export const OPSET = 17;
const IR_VERSION = 8;

function rawBytes(c: Constant): Uint8Array {
  return new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength);
}

function tensorProto(name: string, c: Constant): onnxProto.onnx.ITensorProto {
  return { name, dims: [...c.shape], dataType: DTYPES[c.dtype].onnx, rawData: rawBytes(c) };
}

/** A symbolic dimension's size when `dims` fixes it: 'batch', 'seq' and products such as 'batch*seq'. */
export function fixedDim(d: string, dims: Readonly<Record<string, number>> | undefined): number | undefined {
  if (!dims) return undefined;
  const parts = d.split('*').map((p) => dims[p]);
  return parts.every((x) => x !== undefined) ? parts.reduce((a, b) => a * b, 1) : undefined;
}

function valueInfo(v: Value, dims?: Readonly<Record<string, number>>): onnxProto.onnx.IValueInfoProto {
  const dim = v.shape.map((d) => {
    const fixed = typeof d === 'number' ? d : fixedDim(d, dims);
    return fixed !== undefined ? { dimValue: fixed } : { dimParam: d as string };
  });
  return { name: v.name, type: { tensorType: { elemType: DTYPES[v.dtype].onnx, shape: { dim } } } };
}

function attributeProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
    case 'tensor':
      return { name, type: T.TENSOR, t: tensorProto('', a.value) };
  }
}

export interface SerializeOptions {
  metadata?: Record<string, string>;
  producer?: string;
  /**
   * Sizes for symbolic dimensions of the graph's inputs and outputs. With every dimension fixed,
   * ONNX Runtime folds all shape arithmetic into constants when it loads the model, so no
   * int64 Shape/Gather/Concat node is left for a GPU provider to hand to the CPU.
   */
  dims?: Readonly<Record<string, number>>;
}

export function toModelProto(g: Graph, opts: SerializeOptions = {}): onnxProto.onnx.IModelProto {
  const graph: onnxProto.onnx.IGraphProto = {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.op,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.keys(n.attrs)
        .sort()
        .map((k) => attributeProto(k, n.attrs[k])),
    })),
    initializer: [...g.initializers].map(([name, c]) => tensorProto(name, c)),
    input: g.inputs.map((v) => valueInfo(v, opts.dims)),
    output: g.outputs.map((v) => valueInfo(v, opts.dims)),
  };
  const metadata = Object.keys(opts.metadata ?? {})
    .sort()
    .map((key) => ({ key, value: opts.metadata![key] }));
  return {
    irVersion: IR_VERSION,
    producerName: opts.producer ?? 'bert-studio',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
    metadataProps: metadata,
  };
}

export function serialize(g: Graph, opts: SerializeOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(toModelProto(g, opts))).finish();
}

/** Parses bytes back (tests and tools); numbers arrive as protobufjs Longs or numbers. */
export function parseModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
