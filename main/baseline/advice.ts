// What to do when the baseline beats the model: one sentence, the same in the CLI, the
// Evaluation screen and the model card.
import { BASELINE_NAMES, type BaselineKind } from './train-baseline.ts';

const METRIC_WORDS: Record<string, string> = {
  accuracy: 'accuracy',
  macro_f1: 'macro F1',
  intent_accuracy: 'intent accuracy',
  sentence_accuracy: 'sentence accuracy',
  entity_f1: 'entity F1',
  f1: 'answer F1',
  exact_match: 'exact match',
};

export const metricWords = (name: string): string => METRIC_WORDS[name] ?? name.replace(/_/gu, ' ');
export const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** The baseline's short name: "keyword baseline", "memorization baseline", … */
export function baselineShortName(kind: string): string {
  const full = BASELINE_NAMES[kind as BaselineKind] as string | undefined;
  return full ? full.replace(/ \(.*$/u, '') : 'baseline';
}

/**
 * The advice when the baseline's validation `metric` is above the model's, else undefined.
 * `scratch`: the model was trained from scratch, so a pretrained base model is the first fix.
 */
export function baselineAdvice(opts: { kind: string; metric: string; model: number | undefined; baseline: number | undefined; scratch: boolean; exportable: boolean }): string | undefined {
  const { model, baseline } = opts;
  if (model === undefined || baseline === undefined || !(baseline > model)) return undefined;
  const name = baselineShortName(opts.kind);
  const fixes = [opts.scratch ? 'train from a pretrained base model instead of from scratch' : 'try a larger pretrained base model', 'add labelled examples', opts.exportable ? `or export the ${name} itself (smaller and faster)` : `or keep using the ${name}`];
  return `The ${name} beats this model on validation (${metricWords(opts.metric)} ${pct(baseline)} against ${pct(model)}): ${fixes.join(', ')}.`;
}
