// Encoders as graphs, following Hugging Face's eager modeling code op for op:
// BERT and RoBERTa (same layer, different embeddings) and DistilBERT.
// Activations stay 2-D [N, H] (N = batch·seq) so every dense layer is one Gemm.
import type { Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';
import { dense, firstToken, gelu, layerNorm, maskMin, shapeBS, type BuildContext } from './context.ts';

export interface EncoderInputs {
  /** int64 [B, S] each. */
  inputIds: Value;
  attentionMask: Value;
  tokenTypeIds?: Value;
  /**
   * Run the last layer for the first token only (sequence classification reads nothing
   * else): its keys and values still see every token, but its query, output projection,
   * FFN and LayerNorms work on [B, H] instead of [N, H]. Row-wise identical results.
   */
  firstTokenOnly?: boolean;
}

export interface EncoderOutput {
  /** Last hidden state [N, H], or [B, H] (first token) with firstTokenOnly. */
  hidden: Value;
  firstTokenOnly: boolean;
  /** Embedding output and every layer's output, [N, H] each (for diagnostics). */
  states: Value[];
  /** The word-embedding lookup: its table's name, ids [B,S] and gathered rows [B,S,H] (a sparse gradient is taken w.r.t. the rows). */
  wordLookup: WordLookup;
}

export interface WordLookup {
  table: string;
  ids: Value;
  rows: Value;
}

const N = 'batch*seq';

/**
 * [B,S] ids → [B,S,H] rows of `table`, as nn.Embedding(padding_idx): the padding row is read
 * but gets no gradient. Fused backward: the per-token gradients of padding tokens are zeroed
 * before they are scatter-added, so the [V,H] table gradient needs no extra pass; the scatter
 * reads the same [B,S,1] indices as the gather.
 */
function lookup(ctx: BuildContext, name: string, rows: number, ids: Value, paddingIdx?: number): Value {
  const table = ctx.param(name, [rows, ctx.cfg.hiddenSize]);
  const idx = o.unsqueeze(ids, [-1]); // [B,S,1]
  const y = gatherRows(table, idx);
  return ctx.g.composite(y, [table], (dy) => {
    // Rows are summed in float32 even under mixed precision: repeated ids add up many small
    // gradients (and ONNX Runtime's CPU ScatterND has no float16 add); the float32 result is
    // what the master weight's gradient is anyway.
    const d = o.cast(dy, 'float32');
    const zeros = o.zerosLike(o.cast(table, 'float32'));
    if (paddingIdx === undefined) return [o.scatterNDAdd(zeros, idx, d)];
    const keep = o.cast(o.unsqueeze(o.not(o.equal(ids, paddingIdx)), [-1]), 'float32'); // [B,S,1]
    return [o.scatterNDAdd(zeros, idx, o.mul(d, keep))];
  });
}

/**
 * Rows of `table` [V,H] at `idx` [...,1] → [...,H]. The ids are read in the [B,S,1] form the
 * backward's ScatterND needs, so on a GPU only that one index tensor goes up per step (the
 * int64 Unsqueeze runs in the host prelude; static-session.ts), not the ids twice.
 */
function gatherRows(table: Value, idx: Value): Value {
  return o.squeeze(o.gather(table, idx), [-2]);
}

function positionsFromZero(ctx: BuildContext): Value {
  const g = ctx.g;
  const seq = o.item(ctx.batchSeq, 1);
  return o.range(g.scalar(0, 'int64'), seq, g.scalar(1, 'int64'), 'seq'); // [S]
}

/** RoBERTa: cumulative count of non-pad tokens, offset by padding_idx; pads get padding_idx. */
function robertaPositions(ctx: BuildContext, ids: Value): Value {
  const pad = ctx.cfg.padTokenId;
  const mask = o.cast(o.not(o.equal(ids, pad)), 'int64');
  return o.add(o.mul(o.cumsum(mask, 1), mask), pad);
}

/** BERT/RoBERTa embeddings: LN(word + token_type + position), dropout; → [N, H]. */
function bertEmbeddings(ctx: BuildContext, prefix: string, inp: EncoderInputs): { x: Value; wordLookup: WordLookup } {
  const c = ctx.cfg;
  const h = c.hiddenSize;
  const table = `${prefix}.word_embeddings.weight`;
  const words = lookup(ctx, table, c.vocabSize, inp.inputIds, c.padTokenId); // [B,S,H]
  const typeName = `${prefix}.token_type_embeddings.weight`;
  const types = inp.tokenTypeIds ? lookup(ctx, typeName, c.typeVocabSize, inp.tokenTypeIds) : o.gather(ctx.param(typeName, [c.typeVocabSize, h]), ctx.g.scalar(0, 'int64')); // [B,S,H] | [H]
  const posIds = c.modelType === 'roberta' ? robertaPositions(ctx, inp.inputIds) : positionsFromZero(ctx);
  // RoBERTa's position table has padding_idx too (pad tokens sit at position padding_idx).
  const pos = lookup(ctx, `${prefix}.position_embeddings.weight`, c.maxPositions, posIds, c.modelType === 'roberta' ? c.padTokenId : undefined); // [B,S,H] | [S,H]
  const sum = o.reshape(o.add(o.add(words, types), pos), [-1, h], [N, h]);
  return { x: ctx.dropout(layerNorm(ctx, sum, `${prefix}.LayerNorm`), c.hiddenDropout), wordLookup: { table, ids: inp.inputIds, rows: words } };
}

/** DistilBERT embeddings: LN(word + position), dropout; eps 1e-12. */
function distilEmbeddings(ctx: BuildContext, prefix: string, inp: EncoderInputs): { x: Value; wordLookup: WordLookup } {
  const c = ctx.cfg;
  const table = `${prefix}.word_embeddings.weight`;
  const words = lookup(ctx, table, c.vocabSize, inp.inputIds, c.padTokenId);
  const pos = lookup(ctx, `${prefix}.position_embeddings.weight`, c.maxPositions, positionsFromZero(ctx));
  const sum = o.reshape(o.add(words, pos), [-1, c.hiddenSize], [N, c.hiddenSize]);
  return { x: ctx.dropout(layerNorm(ctx, sum, `${prefix}.LayerNorm`), c.hiddenDropout), wordLookup: { table, ids: inp.inputIds, rows: words } };
}

interface AttentionNames {
  q: string;
  k: string;
  v: string;
}

/**
 * Multi-head self-attention core; x: [N,H], mask.add: [B,1,1,S] additive, or mask.keep for
 * DistilBERT's masked_fill. Returns the context [N,H] before the output dense; with `xq`
 * ([B,H], first tokens) only those queries are computed and the context is [B,H].
 */
function selfAttention(ctx: BuildContext, x: Value, names: AttentionNames, mask: { add?: Value; keep?: Value }, scaleQuery: boolean, xq?: Value): Value {
  // x: [N,H]; q: [B,nH,S|1,dh]; k/v: [B,nH,S,dh]; scores, probs: [B,nH,S|1,S]
  const c = ctx.cfg;
  const h = c.hiddenSize;
  const heads = c.numHeads;
  const dh = h / heads;
  const split = shapeBS(ctx, [heads, dh]);
  const headsOf = (y: Value) => o.reshapeTo(y, split, ['batch', 'seq', heads, dh]);
  let q = xq
    ? o.transpose(o.reshape(dense(ctx, xq, names.q, h, h), [-1, 1, heads, dh], ['batch', 1, heads, dh]), [0, 2, 1, 3]) // [B,nH,1,dh]
    : o.transpose(headsOf(dense(ctx, x, names.q, h, h)), [0, 2, 1, 3]); // [B,nH,S,dh]
  const kT = o.transpose(headsOf(dense(ctx, x, names.k, h, h)), [0, 2, 3, 1]); // [B,nH,dh,S]
  const v = o.transpose(headsOf(dense(ctx, x, names.v, h, h)), [0, 2, 1, 3]); // [B,nH,S,dh]
  const root = Math.sqrt(dh);
  let scores: Value;
  if (scaleQuery || Number.isInteger(Math.log2(root))) {
    // DistilBERT scales q first. BERT divides the scores, but when √dh is a power of two
    // (dh = 64 in every standard size) scaling q instead is bit-identical and 4-8× cheaper.
    q = o.div(q, root);
    scores = o.matmul(q, kT); // [B,nH,S,S]
  } else {
    scores = o.div(o.matmul(q, kT), root);
  }
  if (mask.add) scores = o.add(scores, mask.add);
  if (mask.keep) scores = o.where(mask.keep, scores, maskMin(ctx.dtype));
  const probs = ctx.dropout(o.softmax(scores, -1), c.attentionDropout);
  const context = o.transpose(o.matmul(probs, v), [0, 2, 1, 3]); // [B,S|1,nH,dh]
  return o.reshape(context, [-1, h], [xq ? 'batch' : N, h]);
}

/** BERT/RoBERTa encoder (model_type bert | roberta). */
export function bertEncoder(ctx: BuildContext, prefix: string, inp: EncoderInputs): EncoderOutput {
  const c = ctx.cfg;
  const h = c.hiddenSize;
  // extended mask: (1 - mask) · finfo.min, [B,1,1,S]
  const maskAdd = o.mul(o.sub(1, o.cast(o.unsqueeze(inp.attentionMask, [1, 2]), ctx.dtype)), maskMin(ctx.dtype));
  const emb = bertEmbeddings(ctx, `${prefix}.embeddings`, inp);
  let x = emb.x;
  const states = [x];
  const firstOnly = !!inp.firstTokenOnly;
  for (let i = 0; i < c.numLayers; i++) {
    const p = `${prefix}.encoder.layer.${i}`;
    const xq = firstOnly && i === c.numLayers - 1 ? firstToken(ctx, x) : undefined;
    const a = selfAttention(ctx, x, { q: `${p}.attention.self.query`, k: `${p}.attention.self.key`, v: `${p}.attention.self.value` }, { add: maskAdd }, false, xq);
    const attnOut = layerNorm(ctx, o.add(ctx.dropout(dense(ctx, a, `${p}.attention.output.dense`, h, h), c.hiddenDropout), xq ?? x), `${p}.attention.output.LayerNorm`);
    const inter = gelu(dense(ctx, attnOut, `${p}.intermediate.dense`, h, c.intermediateSize));
    x = layerNorm(ctx, o.add(ctx.dropout(dense(ctx, inter, `${p}.output.dense`, c.intermediateSize, h), c.hiddenDropout), attnOut), `${p}.output.LayerNorm`);
    states.push(x);
  }
  return { hidden: x, states, firstTokenOnly: firstOnly, wordLookup: emb.wordLookup };
}

/** DistilBERT encoder (model_type distilbert). */
export function distilbertEncoder(ctx: BuildContext, prefix: string, inp: EncoderInputs): EncoderOutput {
  const c = ctx.cfg;
  const h = c.hiddenSize;
  const keep = o.not(o.equal(o.unsqueeze(inp.attentionMask, [1, 2]), 0)); // [B,1,1,S] bool
  const emb = distilEmbeddings(ctx, `${prefix}.embeddings`, inp);
  let x = emb.x;
  const states = [x];
  const firstOnly = !!inp.firstTokenOnly;
  for (let i = 0; i < c.numLayers; i++) {
    const p = `${prefix}.transformer.layer.${i}`;
    const xq = firstOnly && i === c.numLayers - 1 ? firstToken(ctx, x) : undefined;
    const a = selfAttention(ctx, x, { q: `${p}.attention.q_lin`, k: `${p}.attention.k_lin`, v: `${p}.attention.v_lin` }, { keep }, true, xq);
    const sa = layerNorm(ctx, o.add(dense(ctx, a, `${p}.attention.out_lin`, h, h), xq ?? x), `${p}.sa_layer_norm`);
    const ffn = ctx.dropout(dense(ctx, gelu(dense(ctx, sa, `${p}.ffn.lin1`, h, c.intermediateSize)), `${p}.ffn.lin2`, c.intermediateSize, h), c.hiddenDropout);
    x = layerNorm(ctx, o.add(ffn, sa), `${p}.output_layer_norm`);
    states.push(x);
  }
  return { hidden: x, states, firstTokenOnly: firstOnly, wordLookup: emb.wordLookup };
}
