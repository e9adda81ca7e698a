import type { Store } from '../store/index.ts';
import { getDataset, getRun, loadExamples } from '../store/index.ts';
import { getTask } from '../tasks/registry.ts';
import type { ClassificationExample, LabelSet, NerExample } from '../tasks/types.ts';
import { holdOutValidation, type RunSpec } from '../train/run-service.ts';
import { VERSION } from '../version.ts';

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
}

/** The tasks train.py repeats (the others have no transformers.Trainer counterpart written yet). */
export type JobTask = 'classification' | 'ner';
type JobExample = ClassificationExample | NerExample;

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
  if (run.task !== 'classification' && run.task !== 'ner') throw new JobExportError(`Run ${runId} is a ${run.task} run; export-job writes text classification and NER jobs so far. Export one of those, or train this one in the app.`);
  const jobTask: JobTask = run.task;
  const spec = run.config as unknown as RunSpec;
  if (run.datasetId === null || !getDataset(store, run.datasetId)) throw new JobExportError(`The dataset of run ${runId} was deleted, so its job cannot be written. Export a run whose dataset still exists.`);
  // Only the fields train.py reads: no row ids or source lines of the user's files.
  const datasetId = run.datasetId;
  const load = (split: 'train' | 'validation' | 'test'): JobExample[] =>
    jobTask === 'ner'
      ? loadExamples<'ner'>(store, datasetId, split).map((r) => ({ tokens: r.tokens, tags: r.tags }))
      : loadExamples<'classification'>(store, datasetId, split).map((r) => ({ text: r.text, labels: r.labels }));
  let train = load('train');
  let validation = load('validation');
  const test = load('test');
  if (validation.length === 0) ({ train, validation } = holdOutValidation(train, spec.hp.seed));
  const task = getTask(jobTask) as { labelSet(e: readonly JobExample[]): LabelSet; monitor: string; monitorFor?(l: LabelSet): string };
  const labels = task.labelSet([...train, ...validation]);
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
  };
}
