import type { Store } from '../store/index.ts';
import { getDataset, getRun } from '../store/index.ts';
import { QA_DEFAULTS } from '../tasks/qa.ts';
import { getTask } from '../tasks/registry.ts';
import type { LabelSet } from '../tasks/types.ts';
import { holdOutValidation, type RunSpec } from '../train/run-service.ts';
import { VERSION } from '../version.ts';
import { loadJobExamples, type JobExample, type JobTask } from './job-examples.ts';

export type { JobExample, JobTask } from './job-examples.ts';

/** A problem with the run or the request that the user can fix; the CLI exits 2 with it. */
export class JobExportError extends Error {
  override name = 'UserError';
}

/** job.json: everything train.py needs to repeat the run (read by main/cluster/python/train.py). */
export interface JobFile {
  format: 1;
  app: string;
  run: number;
  task: JobTask;
  labels: LabelSet;
  monitor: string;
  hp: RunSpec['hp'];
  /** Evaluate every this many steps; null: every epoch. */
  evalSteps: number | null;
  /** `path` is relative to the job folder when the base travels with it (`base/`), else absolute on this machine. */
  base: { kind: 'scratch' | 'pretrained'; path: string; source: string };
  splits: Record<'train' | 'validation' | 'test', number>;
  /** Intent: tune the out-of-scope confidence threshold on validation at every evaluation, as the run did. */
  tuneOutOfScope?: boolean;
  /** QA: how answers are read from start/end logits (the app's decoding defaults). */
  qa?: { nBest: number; maxAnswerLength: number; nullScoreDiffThreshold: number };
}

export interface JobData {
  task: JobTask;
  spec: RunSpec;
  projectId: number;
  datasetId: number;
  labels: LabelSet;
  monitor: string;
  splits: Record<'train' | 'validation' | 'test', JobExample[]>;
}

/**
 * The run's task, settings and exactly the examples it trains, validates and tests on — with
 * the same 10% (seeded) validation hold-out the trainer makes when the dataset has no
 * validation split, and the label set the trainer derives (train + validation, sorted).
 */
export function jobData(store: Store, runId: number): JobData {
  const run = getRun(store, runId);
  if (!run) throw new JobExportError(`There is no run ${runId}. List runs with: bert-studio runs`);
  const jobTask: JobTask = run.task;
  const spec = run.config as unknown as RunSpec;
  if (run.datasetId === null || !getDataset(store, run.datasetId)) throw new JobExportError(`The dataset of run ${runId} was deleted, so its job cannot be written. Export a run whose dataset still exists.`);
  const datasetId = run.datasetId;
  const load = (split: 'train' | 'validation' | 'test'): JobExample[] => loadJobExamples(store, datasetId, jobTask, split);
  let train = load('train');
  let validation = load('validation');
  const test = load('test');
  if (validation.length === 0) ({ train, validation } = holdOutValidation(train, spec.hp.seed));
  const task = getTask(jobTask) as { labelSet(e: readonly JobExample[]): LabelSet; monitor: string; monitorFor?(l: LabelSet): string };
  const labels = task.labelSet([...train, ...validation]);
  if (jobTask === 'intent' && (labels.slots ?? []).length > 0)
    throw new JobExportError(
      `Run ${runId} is a joint intent + slot-filling run (its data has slot tags); export-job writes intent-only jobs so far, because transformers has no joint intent + slot model to train it with. Train this run in the app, or export a run on the same intents without slot tags.`,
    );
  return { task: jobTask, spec, projectId: run.projectId, datasetId, labels, monitor: task.monitorFor?.(labels) ?? task.monitor, splits: { train, validation, test } };
}

export function jobFile(runId: number, d: JobData, base: JobFile['base']): JobFile {
  return {
    format: 1,
    app: VERSION,
    run: runId,
    task: d.task,
    labels: d.labels,
    monitor: d.monitor,
    hp: d.spec.hp,
    evalSteps: d.spec.evalSteps ?? null,
    base,
    splits: { train: d.splits.train.length, validation: d.splits.validation.length, test: d.splits.test.length },
    ...(d.task === 'intent' ? { tuneOutOfScope: d.spec.tuneOutOfScope === true } : {}),
    ...(d.task === 'qa' ? { qa: { nBest: QA_DEFAULTS.nBest, maxAnswerLength: QA_DEFAULTS.maxAnswerLength, nullScoreDiffThreshold: 0 } } : {}),
  };
}
