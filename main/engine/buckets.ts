// Static shapes for GPU sessions: a batch's sequence length is padded up to a bucket, so a
// handful of sessions (one per batch size × bucket) serve a whole run whose length-grouped
// batches have every length from 1 to max. Padding is exact for the model's results: padded
// tokens are masked out of attention, their labels are ignored (-100), and the head's per-token
// outputs are cut back to the batch's own length.
import type { Batch, HeadSpec } from './api.ts';

/** Lengths up to 32 round up to a multiple of 8, longer ones to a multiple of 32; never past `max`. */
export function bucketSeq(seq: number, max: number): number {
  const step = seq <= 32 ? 8 : 32;
  return Math.min(max, Math.ceil(seq / step) * step);
}

function padRows(src: BigInt64Array, b: number, from: number, to: number, fill: bigint): BigInt64Array {
  const out = new BigInt64Array(b * to).fill(fill);
  for (let r = 0; r < b; r++) out.set(src.subarray(r * from, (r + 1) * from), r * to);
  return out;
}

/** `batch` with every [B, S] field padded to [B, seq]. */
export function padBatch(batch: Batch, seq: number, padId: number, head: HeadSpec): Batch {
  const { batch: b, seq: s } = batch;
  if (seq === s) return batch;
  if (seq < s) throw new Error(`Cannot pad a batch of ${s} tokens down to ${seq}.`);
  const out: Batch = {
    ...batch,
    seq,
    inputIds: padRows(batch.inputIds, b, s, seq, BigInt(padId)),
    attentionMask: padRows(batch.attentionMask, b, s, seq, 0n),
    ...(batch.tokenTypeIds ? { tokenTypeIds: padRows(batch.tokenTypeIds, b, s, seq, 0n) } : {}),
  };
  if (head.kind === 'token-classification' && batch.labels instanceof BigInt64Array) out.labels = padRows(batch.labels, b, s, seq, -100n);
  if (batch.slotLabels) out.slotLabels = padRows(batch.slotLabels, b, s, seq, -100n);
  // QA: a position clamped to S is Hugging Face's ignored index; it must stay ignored at the new S.
  const ignored = (p: BigInt64Array | undefined) => p && BigInt64Array.from(p, (x) => (x >= BigInt(s) ? BigInt(seq) : x));
  if (batch.startPositions) out.startPositions = ignored(batch.startPositions)!;
  if (batch.endPositions) out.endPositions = ignored(batch.endPositions)!;
  return out;
}

/** [B, from, ...tail] → [B, to, ...tail] (to ≤ from): a per-token output cut back to the batch's length. */
export function cutSeq(data: Float32Array, b: number, from: number, to: number, tail: number): Float32Array {
  if (from === to) return data;
  const out = new Float32Array(b * to * tail);
  for (let r = 0; r < b; r++) out.set(data.subarray(r * from * tail, (r * from + to) * tail), r * to * tail);
  return out;
}
