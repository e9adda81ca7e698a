// Losses as PyTorch computes them (mean reductions), built from differentiable primitives.
import type { Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';

/**
 * Cross-entropy with ignored targets: logits [M, C], targets int64 [M]. A target outside
 * [0, C) (HF's -100, or QA's clamped ignored_index = C) gets a zero one-hot row, so it adds
 * nothing to the sum or the count: loss = Σ -log p[target] / #kept. A batch with no kept
 * target gives 0 (PyTorch gives NaN, which would poison every weight through AdamW).
 */
export function crossEntropy(logits: Value, targets: Value): Value {
  const g = logits.graph;
  const classes = o.range(g.scalar(0, 'int64'), o.item(o.shapeOf(logits), 1), g.scalar(1, 'int64'), logits.shape[1]); // [C]
  const onehot = o.cast(o.equal(o.unsqueeze(targets, [-1]), classes), 'float32'); // [M, C]
  const nll = o.neg(o.sumAll(o.mul(onehot, o.logSoftmax(logits, -1))));
  return o.div(nll, o.max(o.sumAll(onehot), 1));
}

/** BCEWithLogits, mean over every element: z·softplus(-x) + (1-z)·softplus(x); logits/targets [B, C]. */
export function binaryCrossEntropy(logits: Value, targets: Value): Value {
  const per = o.add(o.mul(targets, o.softplus(o.neg(logits))), o.mul(o.sub(1, targets), o.softplus(logits)));
  const count = o.cast(o.reduceProd(o.shapeOf(logits)), 'float32');
  return o.div(o.sumAll(per), count);
}
