// A run's baseline, trained once before its BERT model and kept in the store: a resumed run
// (or a restarted app) finds it there instead of training it again.
import path from 'node:path';
import { getBaseline, saveBaseline, type Store } from '../store/index.ts';
import type { Baseline } from '../store/types.ts';
import { saveTextClassifier } from './model-file.ts';
import { trainBaseline, type BaselineJob } from './train-baseline.ts';

/** The folder of a run's fitted baseline model, inside the run's folder. */
export function baselineDirOf(runDir: string): string {
  return path.join(runDir, 'baseline');
}

export async function baselineForRun(store: Store, runId: number, runDir: string, job: BaselineJob): Promise<Baseline> {
  const stored = getBaseline(store, runId);
  if (stored) return stored;
  const r = await trainBaseline(job);
  let modelPath: string | null = null;
  if (r.classifier) {
    modelPath = baselineDirOf(runDir);
    saveTextClassifier(modelPath, r.classifier);
  }
  return saveBaseline(store, { runId, kind: r.kind, validation: r.metrics.validation, test: r.metrics.test ?? null, extra: r.majority ? { majority: r.majority } : {}, seconds: r.seconds, modelPath });
}

/** The comparison `train --json` and the model card report: `{ validation, test }` of the baseline. */
export function baselineReport(b: Baseline): { kind: string; validation: Record<string, number>; test?: Record<string, number>; seconds: number; majority?: unknown } {
  // NER also reports the majority-tag line, stored beside the memorization baseline.
  return { kind: b.kind, validation: b.validation, ...(b.test ? { test: b.test } : {}), seconds: Math.round(b.seconds * 100) / 100, ...(b.extra.majority ? { majority: b.extra.majority } : {}) };
}
