// Features → one engine Batch with dynamic padding (to the longest row of the batch), int64
// inputs as ONNX Runtime wants them. Targets go where the head expects them.
import type { Batch, HeadSpec } from '../engine/api.ts';
import type { Feature } from './types.ts';

const IGNORE = -100n;

export function collate(features: readonly Feature[], padId: number, head: HeadSpec): Batch {
  const B = features.length;
  const S = Math.max(1, ...features.map((f) => f.inputIds.length));
  const inputIds = new BigInt64Array(B * S).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(B * S);
  const tokenTypeIds = new BigInt64Array(B * S);
  features.forEach((f, b) => {
    f.inputIds.forEach((id, t) => {
      inputIds[b * S + t] = BigInt(id);
      attentionMask[b * S + t] = BigInt(f.attentionMask[t]);
      tokenTypeIds[b * S + t] = BigInt(f.tokenTypeIds[t]);
    });
  });
  const batch: Batch = { batch: B, seq: S, inputIds, attentionMask, tokenTypeIds };
  const tokenTargets = (): BigInt64Array | undefined => {
    if (!features.every((f) => f.tokenLabels)) return undefined;
    const out = new BigInt64Array(B * S).fill(IGNORE);
    features.forEach((f, b) => f.tokenLabels?.forEach((l, t) => (out[b * S + t] = BigInt(l))));
    return out;
  };
  switch (head.kind) {
    case 'sequence-classification':
      if (head.multiLabel) {
        if (features.every((f) => f.labelVector)) {
          const out = new Float32Array(B * head.numLabels);
          features.forEach((f, b) => f.labelVector?.forEach((v, c) => (out[b * head.numLabels + c] = v)));
          batch.labels = out;
        }
      } else if (features.every((f) => f.label !== undefined)) {
        batch.labels = BigInt64Array.from(features, (f) => BigInt(f.label ?? -100));
      }
      break;
    case 'token-classification':
      batch.labels = tokenTargets();
      break;
    case 'question-answering':
      if (features.every((f) => f.startPosition !== undefined && f.endPosition !== undefined)) {
        batch.startPositions = BigInt64Array.from(features, (f) => BigInt(f.startPosition ?? 0));
        batch.endPositions = BigInt64Array.from(features, (f) => BigInt(f.endPosition ?? 0));
      }
      break;
    case 'joint-intent-slots':
      if (features.every((f) => f.label !== undefined)) batch.labels = BigInt64Array.from(features, (f) => BigInt(f.label ?? -100));
      batch.slotLabels = tokenTargets();
      break;
  }
  return batch;
}
