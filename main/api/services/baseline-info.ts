// A run's stored baseline as the UI shows it: next to the run (Training, History) and next to
// the Evaluation headline, with the advice sentence when the baseline wins on validation.
import { baselineAdvice, baselineShortName, pct } from '../../baseline/advice.ts';
import type { Baseline, Run } from '../../store/types.ts';
import type { BaselineInfo, Evaluation, SplitName } from '../types.ts';

const isScratch = (r: Run): boolean => (r.config as { base?: { kind?: string } }).base?.kind === 'scratch';

export function baselineInfo(r: Run, b: Baseline): BaselineInfo {
  const name = baselineShortName(b.kind);
  // The model's best validation value of the monitored metric (what early stopping kept).
  const advice = r.bestMetricName ? baselineAdvice({ kind: b.kind, metric: r.bestMetricName, model: r.bestMetric ?? undefined, baseline: b.validation[r.bestMetricName], scratch: isScratch(r), exportable: b.modelPath !== null }) : undefined;
  return { kind: b.kind, name, validation: b.validation, ...(b.test ? { test: b.test } : {}), seconds: b.seconds, exportable: b.modelPath !== null, ...(advice ? { advice } : {}) };
}

/** How the headline metric reads after a percentage. */
const AFTER: Record<string, string> = { accuracy: 'correct', intent_accuracy: 'right intents', entity_f1: 'entity F1', f1: 'answer F1' };

/** The baseline's headline metric on the evaluated split, in one line beside the model's. */
export function evaluationBaseline(ev: Evaluation, r: Run, b: Baseline, split: SplitName): Evaluation['baseline'] {
  const metrics = split === 'test' ? b.test : split === 'validation' ? b.validation : null;
  const value = metrics?.[ev.headline.metric];
  if (value === undefined) return undefined;
  const info = baselineInfo(r, b);
  const after = AFTER[ev.headline.metric] ?? ev.headline.metric.replace(/_/gu, ' ');
  return { name: info.name, metric: ev.headline.metric, value, sentence: `BERT: ${pct(ev.headline.value)} ${after} · ${info.name}: ${pct(value)}`, exportable: info.exportable, ...(info.advice ? { advice: info.advice } : {}) };
}
