// What the store knows about a training run that the model card should say: base model,
// data, settings, and the metrics of the kept (best) model on validation and test.
import { baselineShortName } from '../baseline/advice.ts';
import { getBaseline, getDataset, getRun, listMetrics, loadExamples, type Store } from '../store/index.ts';
import type { Metric } from '../store/types.ts';
import type { CardFacts } from './model-card.ts';

/** Training-only series, not metrics of the model. */
const NOT_METRICS = new Set(['lr']);

const FINAL = 'final_';

/**
 * The metrics of one split for the kept (best) weights: the `final_*` values the trainer
 * records when a run ends; for runs without them, validation at the best epoch, else the
 * split's last evaluation.
 */
function splitMetrics(rows: readonly Metric[], bestEpoch: number | null): Record<string, number> | undefined {
  const final = rows.filter((m) => m.name.startsWith(FINAL));
  if (final.length) return Object.fromEntries(final.map((m) => [m.name.slice(FINAL.length), m.value]));
  const series = rows.filter((m) => !NOT_METRICS.has(m.name));
  if (!series.length) return undefined;
  const atBest = bestEpoch === null ? [] : series.filter((m) => Math.abs(m.epoch - bestEpoch) < 1e-9);
  const lastStep = Math.max(...series.map((r) => r.step));
  const pick = atBest.length ? atBest : series.filter((m) => m.step === lastStep);
  return Object.fromEntries(pick.map((m) => [m.name, m.value]));
}

export function runCardFacts(store: Store, runId: number): CardFacts {
  const run = getRun(store, runId);
  if (!run) return {};
  const facts: CardFacts = { baseModel: run.baseModel };
  const cfg = run.config as { hp?: Record<string, unknown>; preset?: unknown };
  if (cfg.hp) facts.training = { ...(cfg.preset !== undefined ? { preset: cfg.preset } : {}), ...cfg.hp, ...(run.bestEpoch !== null ? { best_epoch: run.bestEpoch } : {}), ...(run.stoppedReason ? { stopped: run.stoppedReason } : {}) };
  const validation = splitMetrics(listMetrics(store, runId, { split: 'validation' }), run.bestEpoch);
  const test = splitMetrics(listMetrics(store, runId, { split: 'test' }), null);
  if (validation || test) facts.metrics = { ...(validation ? { validation } : {}), ...(test ? { test } : {}) };
  const ds = run.datasetId !== null ? getDataset(store, run.datasetId) : undefined;
  if (ds) facts.data = { name: ds.name, files: ds.sourceFiles, rows: ds.rowCount, splits: ds.splits };
  const b = getBaseline(store, runId);
  if (b) facts.baseline = { name: baselineShortName(b.kind), validation: b.validation, ...(b.test ? { test: b.test } : {}) };
  return facts;
}

/** The run's validation examples (for checking an export), or none when it has no dataset. */
export function runValidationExamples(store: Store, runId: number): unknown[] {
  const run = getRun(store, runId);
  if (!run || run.datasetId === null) return [];
  return loadExamples(store, run.datasetId, 'validation');
}
