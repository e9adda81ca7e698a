// Batch → graph feeds, with the checks a caller can get wrong turned into clear errors.
import type { Batch, HeadSpec, ModelConfig } from './api.ts';
import type { HostTensor } from './runtime.ts';

const i64 = (data: BigInt64Array, shape: number[]): HostTensor => ({ dtype: 'int64', shape, data });

function expectLength(name: string, arr: { length: number } | undefined, n: number, shape: string): void {
  if (arr && arr.length !== n) throw new Error(`Batch field ${name} has ${arr.length} values; expected ${n} for ${shape}.`);
}

/** The encoder inputs (token_type_ids zero-filled when the family takes them and the batch has none). */
export function inputFeeds(batch: Batch, tokenTypes: boolean): Record<string, HostTensor> {
  const { batch: b, seq: s } = batch;
  const n = b * s;
  expectLength('inputIds', batch.inputIds, n, `[${b}, ${s}]`);
  expectLength('attentionMask', batch.attentionMask, n, `[${b}, ${s}]`);
  expectLength('tokenTypeIds', batch.tokenTypeIds, n, `[${b}, ${s}]`);
  const feeds: Record<string, HostTensor> = { input_ids: i64(batch.inputIds, [b, s]), attention_mask: i64(batch.attentionMask, [b, s]) };
  if (tokenTypes) feeds.token_type_ids = i64(batch.tokenTypeIds ?? new BigInt64Array(n), [b, s]);
  return feeds;
}

export function hasTargets(batch: Batch, head: HeadSpec): boolean {
  if (head.kind === 'question-answering') return !!batch.startPositions && !!batch.endPositions;
  if (head.kind === 'joint-intent-slots') return !!batch.labels && !!batch.slotLabels;
  return !!batch.labels;
}

/** The label inputs of `head` (throws when the batch lacks them). */
export function targetFeeds(batch: Batch, head: HeadSpec): Record<string, HostTensor> {
  const { batch: b, seq: s } = batch;
  const need = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new Error(`Batch has no ${name}, which the ${head.kind} head needs for its loss.`);
    return v;
  };
  const ints = (v: BigInt64Array | Float32Array | undefined, name: string, shape: number[]): HostTensor => {
    const arr = need(v, name);
    if (!(arr instanceof BigInt64Array)) throw new Error(`Batch field ${name} must be a BigInt64Array of class ids for the ${head.kind} head.`);
    expectLength(name, arr, shape.reduce((x, y) => x * y, 1), `[${shape}]`);
    return i64(arr, shape);
  };
  switch (head.kind) {
    case 'sequence-classification': {
      if (!head.multiLabel) return { labels: ints(batch.labels, 'labels', [b]) };
      const arr = need(batch.labels, 'labels');
      const data = arr instanceof Float32Array ? arr : Float32Array.from(arr, Number);
      expectLength('labels', data, b * head.numLabels, `[${b}, ${head.numLabels}]`);
      return { labels: { dtype: 'float32', shape: [b, head.numLabels], data } };
    }
    case 'token-classification':
      return { labels: ints(batch.labels, 'labels', [b, s]) };
    case 'question-answering':
      return { start_positions: ints(batch.startPositions, 'startPositions', [b]), end_positions: ints(batch.endPositions, 'endPositions', [b]) };
    case 'joint-intent-slots':
      return { labels: ints(batch.labels, 'labels', [b]), slot_labels: ints(batch.slotLabels, 'slotLabels', [b, s]) };
  }
}

/** The longest sequence the model's position table takes (RoBERTa numbers positions from padding_idx + 1). */
export function maxSequence(c: ModelConfig): number {
  return c.modelType === 'roberta' ? c.maxPositions - c.padTokenId - 1 : c.maxPositions;
}

/** Out-of-range ids would fail deep inside ONNX Runtime; say what is wrong instead. */
export function checkBatch(c: ModelConfig, batch: Batch): void {
  const maxSeq = maxSequence(c);
  if (batch.seq > maxSeq) throw new Error(`Sequences of ${batch.seq} tokens are longer than this model's ${maxSeq} positions; truncate them to at most ${maxSeq}.`);
  for (const id of batch.inputIds) if (id < 0n || id >= BigInt(c.vocabSize)) throw new Error(`Token id ${id} is outside the model's vocabulary of ${c.vocabSize}; the tokenizer does not match the model.`);
  if (batch.tokenTypeIds && c.typeVocabSize)
    for (const t of batch.tokenTypeIds) if (t < 0n || t >= BigInt(c.typeVocabSize)) throw new Error(`Token type ${t} is outside the model's ${c.typeVocabSize} token types.`);
}
