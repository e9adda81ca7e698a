// Task heads on top of an encoder's last hidden state [N, H], with HF's parameter names and
// losses. Each returns its named outputs (logits …) and, when targets are given, the loss.
import type { HeadSpec } from '../types.ts';
import type { Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';
import { dense, firstToken, shapeBS, type BuildContext } from './context.ts';
import { binaryCrossEntropy, crossEntropy } from './losses.ts';

export interface HeadTargets {
  /** int64 [B] | float [B, C] (multi-label) | int64 [B, S] (tokens). */
  labels?: Value;
  startPositions?: Value;
  endPositions?: Value;
  slotLabels?: Value;
}

export interface HeadOutput {
  outputs: Record<string, Value>;
  loss?: Value;
}

/** The family's sentence vector for classification, before the classifier layer itself. */
function pooled(ctx: BuildContext, prefix: string, hidden: Value, isFirstToken: boolean): Value {
  const c = ctx.cfg;
  const h = c.hiddenSize;
  const cls = isFirstToken ? hidden : firstToken(ctx, hidden);
  switch (c.modelType) {
    case 'bert':
      return ctx.dropout(o.tanh(dense(ctx, cls, `${prefix}.pooler.dense`, h, h)), c.classifierDropout);
    case 'distilbert':
      return ctx.dropout(o.relu(dense(ctx, cls, 'pre_classifier', h, h)), c.classifierDropout);
    case 'roberta':
      return ctx.dropout(o.tanh(dense(ctx, ctx.dropout(cls, c.classifierDropout), 'classifier.dense', h, h)), c.classifierDropout);
  }
}

/** [N, C] → [B, S, C] */
function perToken(ctx: BuildContext, x: Value, c: number): Value {
  return o.reshapeTo(x, shapeBS(ctx, [c]), ['batch', 'seq', c]);
}

function flatTargets(t: Value): Value {
  return o.reshape(t, [-1], ['batch*seq']);
}

/** `hidden` is [N,H], or already the first tokens [B,H] when `isFirstToken` (sequence classification only). */
export function buildHead(ctx: BuildContext, prefix: string, head: HeadSpec, hidden: Value, t: HeadTargets, isFirstToken = false): HeadOutput {
  if (isFirstToken && head.kind !== 'sequence-classification') throw new Error(`${head.kind} needs every token's hidden state`);
  const c = ctx.cfg;
  const h = c.hiddenSize;
  switch (head.kind) {
    case 'sequence-classification': {
      const name = c.modelType === 'roberta' ? 'classifier.out_proj' : 'classifier';
      const logits = dense(ctx, pooled(ctx, prefix, hidden, isFirstToken), name, h, head.numLabels); // [B,C]
      if (!t.labels) return { outputs: { logits } };
      return { outputs: { logits }, loss: head.multiLabel ? binaryCrossEntropy(logits, t.labels) : crossEntropy(logits, t.labels) };
    }
    case 'token-classification': {
      const flat = dense(ctx, ctx.dropout(hidden, c.tokenClassifierDropout), 'classifier', h, head.numLabels); // [N,C]
      const outputs = { logits: perToken(ctx, flat, head.numLabels) };
      return t.labels ? { outputs, loss: crossEntropy(flat, flatTargets(t.labels)) } : { outputs };
    }
    case 'question-answering': {
      const both = o.transpose(dense(ctx, ctx.dropout(hidden, c.qaDropout), 'qa_outputs', h, 2), [1, 0]); // [2,N]
      const pick = (i: number) => o.reshapeTo(o.gather(both, ctx.g.scalar(i, 'int64')), ctx.batchSeq, ['batch', 'seq']); // [B,S]
      const start = pick(0);
      const end = pick(1);
      const outputs = { start_logits: start, end_logits: end };
      if (!t.startPositions || !t.endPositions) return { outputs };
      // HF: positions clamped to [0, S]; S is the ignored index.
      const seq = o.item(ctx.batchSeq, 1);
      const clampPos = (p: Value) => o.clip(p, ctx.g.scalar(0, 'int64'), seq);
      const loss = o.div(o.add(crossEntropy(start, clampPos(t.startPositions)), crossEntropy(end, clampPos(t.endPositions))), 2);
      return { outputs, loss };
    }
    case 'joint-intent-slots': {
      const logits = dense(ctx, pooled(ctx, prefix, hidden, false), 'intent_classifier', h, head.numIntents);
      const slotFlat = dense(ctx, ctx.dropout(hidden, c.tokenClassifierDropout), 'slot_classifier', h, head.numSlots);
      const outputs = { logits, slot_logits: perToken(ctx, slotFlat, head.numSlots) };
      if (!t.labels || !t.slotLabels) return { outputs };
      return { outputs, loss: o.add(crossEntropy(logits, t.labels), crossEntropy(slotFlat, flatTargets(t.slotLabels))) };
    }
  }
}
