// Text classification, single-label (softmax cross-entropy) and multi-label (sigmoid BCE with a
// decision threshold tuned on validation, default 0.5).
import type { Tokenizer } from '../text/index.ts';
import { classificationScores, rocAuc, type ClassificationDetails } from './metrics/classification-metrics.ts';
import { encodeHeadTail } from './head-tail.ts';
import { gatherRows, sigmoid, softmax, topK } from './outputs.ts';
import type { BatchOutputs, ClassificationExample, DecodeOptions, Feature, FeatureOptions, LabelSet, MetricsReport, TaskModule, ThresholdChoice } from './types.ts';

export interface ClassificationPrediction {
  /** Predicted labels: exactly one for single-label; those at or above the threshold for multi-label (may be none). */
  labels: string[];
  /** The most probable class. */
  label: string;
  /** Softmax (single-label) or per-class sigmoid (multi-label) probability of every class. */
  probabilities: Record<string, number>;
  /** The three most probable classes, most probable first. */
  top: { label: string; probability: number }[];
  multiLabel: boolean;
}

export const DEFAULT_THRESHOLD = 0.5;

function labelSet(examples: readonly ClassificationExample[]): LabelSet {
  const names = [...new Set(examples.flatMap((e) => e.labels))].sort();
  return { names, multiLabel: examples.some((e) => e.labels.length !== 1) };
}

function features(examples: readonly ClassificationExample[], tokenizer: Tokenizer, o: FeatureOptions): Feature[] {
  const index = new Map(o.labels.names.map((n, i) => [n, i]));
  return examples.map((ex, example) => {
    const maxLength = o.maxLength ?? tokenizer.modelMaxLength;
    const e = o.truncation === 'head-tail' ? encodeHeadTail(tokenizer, ex.text, maxLength) : tokenizer.encode(ex.text, { maxLength });
    const f: Feature = { example, inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.tokenTypeIds, wordIds: e.wordIds };
    if (o.labels.multiLabel) {
      f.labelVector = o.labels.names.map((n) => (ex.labels.includes(n) ? 1 : 0));
    } else {
      if (ex.labels.length !== 1) throw new Error(`Example ${example + 1} has ${ex.labels.length} labels; single-label classification needs exactly one.`);
      f.label = index.get(ex.labels[0]) ?? -100;
    }
    return f;
  });
}

function predict(probs: readonly number[], names: readonly string[], multiLabel: boolean, threshold: number): ClassificationPrediction {
  const order = topK(probs, names.length);
  const labels = multiLabel ? names.filter((_, c) => probs[c] >= threshold) : [names[order[0]]];
  return {
    labels,
    label: names[order[0]],
    probabilities: Object.fromEntries(names.map((n, c) => [n, probs[c]])),
    top: order.slice(0, 3).map((c) => ({ label: names[c], probability: probs[c] })),
    multiLabel,
  };
}

function decode(examples: readonly ClassificationExample[], feats: readonly Feature[], outputs: readonly BatchOutputs[], o: DecodeOptions): ClassificationPrediction[] {
  const names = o.labels.names;
  const rows = gatherRows(feats.length, outputs, 'logits', names.length, false);
  const multi = o.labels.multiLabel === true;
  const preds: ClassificationPrediction[] = new Array<ClassificationPrediction>(examples.length);
  feats.forEach((f, i) => {
    const probs = multi ? Array.from(rows[i], sigmoid) : softmax(rows[i]);
    preds[f.example] = predict(probs, names, multi, o.threshold ?? DEFAULT_THRESHOLD);
  });
  return preds;
}

function metrics(preds: readonly ClassificationPrediction[], gold: readonly ClassificationExample[]): MetricsReport<ClassificationDetails> {
  const report = classificationScores(
    gold.map((g) => g.labels),
    preds.map((p) => p.labels),
  );
  // ROC AUC for binary single-label problems: score = probability of the second class (in
  // label-set order), the positive class by scikit-learn's convention for sorted labels.
  const names = preds.length > 0 ? Object.keys(preds[0].probabilities) : [];
  if (names.length === 2 && !preds[0].multiLabel) {
    const auc = rocAuc(
      gold.map((g) => g.labels[0] === names[1]),
      preds.map((p) => p.probabilities[names[1]]),
    );
    if (auc !== null) report.metrics.roc_auc = auc;
  }
  return report;
}

function applyThreshold(preds: readonly ClassificationPrediction[], threshold: number): ClassificationPrediction[] {
  return preds.map((p) => (p.multiLabel ? { ...p, labels: Object.keys(p.probabilities).filter((n) => p.probabilities[n] >= threshold) } : p));
}

/**
 * The multi-label threshold (0.05 … 0.95 in steps of 0.05) that maximises macro F1 on the
 * validation predictions; ties go to the candidate closest to 0.5.
 */
function tuneThreshold(preds: readonly ClassificationPrediction[], gold: readonly ClassificationExample[]): ThresholdChoice {
  let best: ThresholdChoice = { threshold: DEFAULT_THRESHOLD, score: -1 };
  for (let k = 1; k <= 19; k++) {
    const threshold = k / 20;
    const score = metrics(applyThreshold(preds, threshold), gold).metrics.macro_f1;
    const closer = Math.abs(threshold - 0.5) < Math.abs(best.threshold - 0.5);
    if (score > best.score + 1e-12 || (Math.abs(score - best.score) <= 1e-12 && closer)) best = { threshold, score };
  }
  return best;
}

export const classificationTask: TaskModule<ClassificationExample, ClassificationPrediction, ClassificationDetails> = {
  name: 'classification',
  monitor: 'macro_f1',
  labelSet,
  features,
  headSpec: (labels) => ({ kind: 'sequence-classification', numLabels: labels.names.length, ...(labels.multiLabel ? { multiLabel: true } : {}) }),
  decode,
  metrics,
  tuneThreshold,
  applyThreshold,
};
