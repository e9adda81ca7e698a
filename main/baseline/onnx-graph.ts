// The keyword baseline as an ONNX model (opset 17, standard ops only), built straight from
// onnx-proto messages because the engine's IR has no string or n-gram ops:
//
//   word_ids [N, W] int64 ─ TfIdfVectorizer(1–2-grams, TF) ─┐ sublinear tf × idf, L2 per row
//   char_ids [N, L] int64 ─ TfIdfVectorizer(2–5-grams, TF) ─┘ → Concat [N, V] → MatMul W [V, C] + b
//   → scores [N, C] → Softmax (single-label) or Sigmoid (multi-label) → probabilities [N, C]
//
// Turning text into the two id inputs happens outside the graph (export-inputs.ts, and in
// words in the model card): ONNX has no standard regex tokenizer at opset 17.
import onnxProto from 'onnx-proto';
import type { GramBlock } from './tfidf.ts';
import type { TextClassifier } from './text-classifier.ts';

const { onnx } = onnxProto;
const T = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Every word of the word n-grams, in first-seen order: line i of words.txt is id i. */
export function wordVocabulary(words: GramBlock): string[] {
  const ids = new Map<string, number>();
  for (const g of words.grams) for (const w of g.split(' ')) if (!ids.has(w)) ids.set(w, ids.size);
  return [...ids.keys()];
}

/** TfIdfVectorizer's pool: the n-grams' units back to back, and where each n's section starts. */
function pool(block: GramBlock, maxN: number, units: (gram: string) => number[]): { pool: number[]; starts: number[] } {
  const flat: number[] = [];
  const starts: number[] = [];
  let gi = 0;
  for (let n = 1; n <= maxN; n++) {
    starts.push(flat.length);
    // Grams are grouped by n ascending (tfidf.ts), so each section is one contiguous run.
    while (gi < block.grams.length && block.sizes[gi] === n) flat.push(...units(block.grams[gi++]));
  }
  if (gi !== block.grams.length) throw new Error('n-gram sizes out of range for the export');
  return { pool: flat, starts };
}

const floats = (name: string, dims: number[], data: ArrayLike<number>): onnxProto.onnx.ITensorProto => ({ name, dims, dataType: FLOAT, floatData: Array.from(data) });
const int64s = (name: string, dims: number[], data: number[]): onnxProto.onnx.ITensorProto => ({ name, dims, dataType: INT64, int64Data: data });

export function baselineModelProto(m: TextClassifier, metadata: Record<string, string>): Uint8Array {
  const vocab = wordVocabulary(m.tfidf.words);
  const wordId = new Map(vocab.map((w, i) => [w, i]));
  const [, wordMax] = m.tfidf.options.wordNgrams;
  const [, charMax] = m.tfidf.options.charNgrams;
  const wp = pool(m.tfidf.words, wordMax, (g) => g.split(' ').map((w) => wordId.get(w)!));
  const cp = pool(m.tfidf.chars, charMax, (g) => Array.from(g, (ch) => ch.codePointAt(0)!));
  const vw = m.tfidf.words.grams.length;
  const vc = m.tfidf.chars.grams.length;
  const c = m.labels.length;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const node = (op: string, input: string[], output: string, attribute: onnxProto.onnx.IAttributeProto[] = []) => nodes.push({ opType: op, name: output, input, output: [output], attribute });
  const block = (prefix: string, input: string, b: GramBlock, p: { pool: number[]; starts: number[] }, [lo, hi]: [number, number]) => {
    node('TfIdfVectorizer', [input], `${prefix}_tf`, [
      { name: 'max_gram_length', type: T.INT, i: hi },
      { name: 'max_skip_count', type: T.INT, i: 0 },
      { name: 'min_gram_length', type: T.INT, i: lo },
      { name: 'mode', type: T.STRING, s: new TextEncoder().encode('TF') },
      { name: 'ngram_counts', type: T.INTS, ints: p.starts },
      { name: 'ngram_indexes', type: T.INTS, ints: b.grams.map((_, i) => i) },
      { name: 'pool_int64s', type: T.INTS, ints: p.pool },
    ]);
    // 1 + ln tf where tf > 0, else 0: ln(max(tf, 1)) + 1, times min(tf, 1).
    node('Max', [`${prefix}_tf`, 'one'], `${prefix}_tf1`);
    node('Log', [`${prefix}_tf1`], `${prefix}_log`);
    node('Add', [`${prefix}_log`, 'one'], `${prefix}_sub`);
    node('Min', [`${prefix}_tf`, 'one'], `${prefix}_hit`);
    node('Mul', [`${prefix}_sub`, `${prefix}_hit`], `${prefix}_tfs`);
    node('Mul', [`${prefix}_tfs`, `${prefix}_idf`], `${prefix}_x`);
    node('Mul', [`${prefix}_x`, `${prefix}_x`], `${prefix}_sq`);
    node('ReduceSum', [`${prefix}_sq`, 'axis1'], `${prefix}_ss`, [{ name: 'keepdims', type: T.INT, i: 1 }]);
    node('Sqrt', [`${prefix}_ss`], `${prefix}_norm`);
    // A text with no known n-gram has norm 0 and stays all zeros (as in the app).
    node('Max', [`${prefix}_norm`, 'tiny'], `${prefix}_safe`);
    node('Div', [`${prefix}_x`, `${prefix}_safe`], `${prefix}_features`);
  };
  block('w', 'word_ids', m.tfidf.words, wp, m.tfidf.options.wordNgrams);
  block('c', 'char_ids', m.tfidf.chars, cp, m.tfidf.options.charNgrams);
  node('Concat', ['w_features', 'c_features'], 'features', [{ name: 'axis', type: T.INT, i: 1 }]);
  node('MatMul', ['features', 'weights'], 'scores_raw');
  node('Add', ['scores_raw', 'bias'], 'scores');
  if (m.multiLabel) node('Sigmoid', ['scores'], 'probabilities');
  else node('Softmax', ['scores'], 'probabilities', [{ name: 'axis', type: T.INT, i: -1 }]);
  const io = (name: string, type: number, dims: (string | number)[]): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'keyword_baseline',
    node: nodes,
    initializer: [floats('one', [], [1]), floats('tiny', [], [1e-30]), int64s('axis1', [1], [1]), floats('w_idf', [vw], m.tfidf.words.idf), floats('c_idf', [vc], m.tfidf.chars.idf), floats('weights', [vw + vc, c], m.weights), floats('bias', [c], m.bias)],
    input: [io('word_ids', INT64, ['batch', 'words']), io('char_ids', INT64, ['batch', 'chars'])],
    output: [io('scores', FLOAT, ['batch', c]), io('probabilities', FLOAT, ['batch', c])],
  };
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'bert-studio',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
    metadataProps: Object.keys(metadata)
      .sort()
      .map((key) => ({ key, value: metadata[key] })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}
