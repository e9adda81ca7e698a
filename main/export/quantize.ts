// int8 ONNX: rewrites an exported fp32 model so its big weights are stored as int8 with one
// float scale per output channel (symmetric, zero point 0), in standard ONNX ops:
//
//  dense (Gemm, transB=1, W: [out, in]):
//    'dynamic'     x ─DynamicQuantizeLinear→ (xq uint8, xs, xzp) ─MatMulInteger(xq, Wqᵀ [in, out] int8, xzp)
//                   → Cast float → × (xs · ws[out]) → + bias
//                  the pattern onnxruntime.quantization.quantize_dynamic writes: ORT fuses it into one
//                  int8 GEMM kernel (u8 × s8 → s32), so it is both smaller and faster on CPU.
//    'weight-only' DequantizeLinear(Wq [out, in] int8, ws [out], axis 0) → the same Gemm in fp32:
//                  only the file shrinks; activations stay exact.
//  embedding tables (Gather, axis 0, T: [rows, H]):
//    Gather(Tq int8, ids) → Cast float → × Gather(ts [rows], ids) (one scale per row/token)
//  so the vocabulary table, a quarter of BERT-base, shrinks too (the file is ~4× smaller).
//
// Everything else (LayerNorm, biases, attention) stays fp32.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

export type QuantScheme = 'dynamic' | 'weight-only';

export interface QuantizeReport {
  scheme: QuantScheme;
  /** Dense layers and embedding tables rewritten. */
  dense: number;
  embeddings: number;
  /** Weights (elements) stored as int8, and the file sizes before and after. */
  int8Weights: number;
  bytesBefore: number;
  bytesAfter: number;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT8 = onnx.TensorProto.DataType.INT8;
const INT64 = onnx.TensorProto.DataType.INT64;
const ATTR = onnx.AttributeProto.AttributeType;

/**
 * Dense weights for the int8 GEMM use 7 bits (±63), as onnxruntime's reduce_range: on x86 CPUs
 * without VNNI (AVX2 only: most laptops before 2021, AMD before Zen 4) ORT's u8×s8 kernel adds
 * pairs of products in int16 and 255·127·2 overflows it, silently; 255·63·2 cannot. Measured on
 * a 2-layer BERT-base-width model: largest logit error 2.2e-2 instead of 9.2e-3, same speed.
 * Embedding tables are dequantized in float, so they keep the full ±127.
 */
const GEMM_QMAX = 63;

/** Tables and matrices smaller than this stay fp32 (token-type embeddings, tiny heads' biases …). */
const MIN_ELEMENTS = 1024;

function floats(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.length) {
    // Copy (new Uint8Array, not Buffer.slice, which is a view): rawData may sit at an offset that
    // is not a multiple of 4 inside the protobuf buffer.
    const raw = new Uint8Array(t.rawData);
    return new Float32Array(raw.buffer, 0, raw.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

function tensor(name: string, dims: number[], dataType: number, data: ArrayBufferView): TensorProto {
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Symmetric per-row int8 of a [rows, cols] matrix: scale_r = max|W_r| / qmax, q = round(W / scale).
 * With `transpose` the int8 matrix is stored [cols, rows] (MatMulInteger wants [in, out]).
 */
export function quantizeRows(w: Float32Array, rows: number, cols: number, transpose = false, qmax = 127): { q: Int8Array; scales: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
    const s = max > 0 ? max / qmax : 1;
    scales[r] = s;
    for (let c = 0; c < cols; c++) {
      const v = Math.max(-qmax, Math.min(qmax, Math.round(w[r * cols + c] / s)));
      q[transpose ? c * rows + r : r * cols + c] = v;
    }
  }
  return { q, scales };
}

function attrInt(n: NodeProto, name: string, fallback: number): number {
  const a = n.attribute?.find((x) => x.name === name);
  return a ? Number(a.i ?? fallback) : fallback;
}

function attrFloat(n: NodeProto, name: string, fallback: number): number {
  const a = n.attribute?.find((x) => x.name === name);
  return a ? Number(a.f ?? fallback) : fallback;
}

function node(op: string, inputs: string[], outputs: string[], name: string, attrs: onnxProto.onnx.IAttributeProto[] = []): NodeProto {
  return { opType: op, input: inputs, output: outputs, name, attribute: attrs };
}

/** Rewrites an fp32 BERT Studio export into its int8 form (see the header for the graph shapes). */
export function quantizeOnnx(bytes: Uint8Array, scheme: QuantScheme = 'dynamic'): { bytes: Uint8Array; report: QuantizeReport } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('The ONNX model has no graph to quantize.');
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const uses = new Map<string, number>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  // A weight shared by several nodes (tied embeddings) is left alone rather than duplicated.
  const candidate = (name: string | undefined): TensorProto | undefined => {
    const t = name ? inits.get(name) : undefined;
    const dims = (t?.dims ?? []).map(Number);
    if (!t || t.dataType !== FLOAT || dims.length !== 2 || uses.get(name!) !== 1) return undefined;
    return dims[0] * dims[1] >= MIN_ELEMENTS ? t : undefined;
  };
  const report: QuantizeReport = { scheme, dense: 0, embeddings: 0, int8Weights: 0, bytesBefore: bytes.length, bytesAfter: 0 };
  const added: TensorProto[] = [];
  const dropped = new Set<string>();
  const nodes: NodeProto[] = [];
  for (const n of graph.node ?? []) {
    const inputs = n.input ?? [];
    const w = n.opType === 'Gemm' ? candidate(inputs[1]) : n.opType === 'Gather' ? candidate(inputs[0]) : undefined;
    const plainGemm = n.opType === 'Gemm' && attrInt(n, 'transB', 0) === 1 && attrInt(n, 'transA', 0) === 0 && attrFloat(n, 'alpha', 1) === 1 && attrFloat(n, 'beta', 1) === 1;
    const plainGather = n.opType === 'Gather' && attrInt(n, 'axis', 0) === 0;
    if (!w || !(plainGemm || plainGather)) {
      nodes.push(n);
      continue;
    }
    const [rows, cols] = (w.dims ?? []).map(Number);
    const out = (n.output ?? [])[0];
    const p = `${n.name || out}.q`;
    dropped.add(w.name!);
    report.int8Weights += rows * cols;
    if (plainGather) {
      // [rows, H] table, one scale per row: the gathered rows bring their own scales along.
      const { q, scales } = quantizeRows(floats(w), rows, cols);
      added.push(tensor(`${p}.table`, [rows, cols], INT8, q), tensor(`${p}.scale`, [rows], FLOAT, scales), tensor(`${p}.axes`, [1], INT64, BigInt64Array.of(-1n)));
      const ids = inputs[1];
      nodes.push(
        node('Gather', [`${p}.table`, ids], [`${p}.rows`], `${p}.gather`),
        node('Cast', [`${p}.rows`], [`${p}.rows_f`], `${p}.cast`, [{ name: 'to', type: ATTR.INT, i: FLOAT }]),
        node('Gather', [`${p}.scale`, ids], [`${p}.row_scale`], `${p}.gather_scale`),
        node('Unsqueeze', [`${p}.row_scale`, `${p}.axes`], [`${p}.row_scale1`], `${p}.unsqueeze`),
        node('Mul', [`${p}.rows_f`, `${p}.row_scale1`], [out], `${p}.scale_rows`),
      );
      report.embeddings++;
      continue;
    }
    const [x, , bias] = inputs;
    report.dense++;
    if (scheme === 'weight-only') {
      const { q, scales } = quantizeRows(floats(w), rows, cols);
      added.push(tensor(`${p}.w`, [rows, cols], INT8, q), tensor(`${p}.w_scale`, [rows], FLOAT, scales));
      nodes.push(node('DequantizeLinear', [`${p}.w`, `${p}.w_scale`], [`${p}.w_f`], `${p}.dq`, [{ name: 'axis', type: ATTR.INT, i: 0 }]), { ...n, input: [x, `${p}.w_f`, ...(bias ? [bias] : [])] });
      continue;
    }
    // W: [out, in] → Wqᵀ: [in, out], one scale per output column.
    const { q, scales } = quantizeRows(floats(w), rows, cols, true, GEMM_QMAX);
    added.push(tensor(`${p}.w`, [cols, rows], INT8, q), tensor(`${p}.w_scale`, [rows], FLOAT, scales));
    nodes.push(
      node('DynamicQuantizeLinear', [x], [`${p}.x`, `${p}.x_scale`, `${p}.x_zero`], `${p}.dql`),
      node('MatMulInteger', [`${p}.x`, `${p}.w`, `${p}.x_zero`], [`${p}.y_int`], `${p}.mmi`),
      node('Cast', [`${p}.y_int`], [`${p}.y_cast`], `${p}.cast`, [{ name: 'to', type: ATTR.INT, i: FLOAT }]),
      node('Mul', [`${p}.x_scale`, `${p}.w_scale`], [`${p}.scale`], `${p}.scale_mul`),
      node('Mul', [`${p}.y_cast`, `${p}.scale`], [bias ? `${p}.y` : out], `${p}.rescale`),
      ...(bias ? [node('Add', [`${p}.y`, bias], [out], `${p}.bias`)] : []),
    );
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? '')), ...added];
  const outBytes = onnx.ModelProto.encode(model).finish();
  report.bytesAfter = outBytes.length;
  return { bytes: outBytes, report };
}
