// Baseline predictions in each task's own prediction type, so the task's metrics (main/tasks)
// score the baseline exactly as they score the BERT model, on the same examples.
import type { ClassificationPrediction } from '../tasks/classification.ts';
import type { IntentPrediction } from '../tasks/intent.ts';
import { spansOf, NER_MODE, type NerPrediction } from '../tasks/ner.ts';
import type { ClassificationExample, IntentExample, NerExample } from '../tasks/types.ts';
import { tagWithMemory, type EntityMemory } from './ner-memorize.ts';
import { scoreTexts, type TextClassifier } from './text-classifier.ts';

/**
 * Scores → probabilities as the exported graph computes them: softmax over the classes for
 * single-label, a sigmoid per class for multi-label. SVM scores are not calibrated, so these
 * rank classes but are not true probabilities.
 */
export function probabilitiesOf(scores: Float64Array, classes: number, multiLabel: boolean): Float64Array {
  const out = new Float64Array(scores.length);
  for (let r = 0; r < scores.length / classes; r++) {
    const o = r * classes;
    if (multiLabel) {
      for (let k = 0; k < classes; k++) out[o + k] = 1 / (1 + Math.exp(-scores[o + k]));
      continue;
    }
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, scores[o + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[o + k] = Math.exp(scores[o + k] - max);
    for (let k = 0; k < classes; k++) out[o + k] /= sum;
  }
  return out;
}

/** Predictions from probabilities [rows × labels]: argmax, or every class with probability ≥ 0.5 (score ≥ 0). */
export function predictionsFromProbabilities(model: TextClassifier, probs: Float64Array): ClassificationPrediction[] {
  const c = model.labels.length;
  return Array.from({ length: probs.length / c }, (_, r) => {
    const p = Array.from(probs.subarray(r * c, (r + 1) * c));
    const order = p.map((_, k) => k).sort((a, b) => p[b] - p[a] || a - b);
    const label = model.labels[order[0]];
    return {
      labels: model.multiLabel ? model.labels.filter((_, k) => p[k] >= 0.5) : [label],
      label,
      probabilities: Object.fromEntries(model.labels.map((l, k) => [l, p[k]])),
      top: order.slice(0, 3).map((k) => ({ label: model.labels[k], probability: p[k] })),
      multiLabel: model.multiLabel,
    };
  });
}

export function classificationPredictions(model: TextClassifier, texts: readonly string[]): ClassificationPrediction[] {
  return predictionsFromProbabilities(model, probabilitiesOf(scoreTexts(model, texts), model.labels.length, model.multiLabel));
}

/** A classification prediction read as an intent prediction (no slots). */
export function asIntent(p: ClassificationPrediction): IntentPrediction {
  return { intent: p.label, confidence: p.probabilities[p.label], topIntent: p.label };
}

export function classifyExamples(model: TextClassifier, examples: readonly ClassificationExample[]): ClassificationPrediction[] {
  return classificationPredictions(model, examples.map((e) => e.text));
}

/** The words an intent example's slots refer to (its tokens, or its text split on white space). */
export function intentWords(ex: IntentExample): string[] {
  return ex.tokens ?? ex.text.split(/\s+/u).filter(Boolean);
}

export function intentPredictions(model: TextClassifier, slots: EntityMemory | undefined, examples: readonly IntentExample[]): IntentPrediction[] {
  return classifyExamples(
    model,
    examples.map((e) => ({ text: e.text, labels: [] })),
  ).map((p, i) => {
    const out = asIntent(p);
    if (slots) {
      const words = intentWords(examples[i]);
      out.slots = tagWithMemory(slots, words);
      out.entities = spansOf(words, out.slots, 'default');
    }
    return out;
  });
}

export function nerPredictions(memory: EntityMemory, examples: readonly NerExample[]): NerPrediction[] {
  return examples.map((e) => {
    const tags = tagWithMemory(memory, e.tokens);
    return { tags, entities: spansOf(e.tokens, tags, NER_MODE) };
  });
}
