import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { baselineForRun } from '../baseline/for-run.ts';
import type { Store } from '../store/db.ts';
import { addArtifact, appendMetrics, createRun, getDataset, getRun, listArtifacts, loadExamples, updateRun } from '../store/index.ts';
import type { Baseline, NewMetric, Run } from '../store/types.ts';
import { getTask } from '../tasks/registry.ts';
import type { TaskName } from '../tasks/types.ts';
import { RunControl } from './control.ts';
import type { TrainEvent } from './events.ts';
import type { BaseModel } from './prepare.ts';
import type { Hyperparameters, PresetName } from './presets.ts';
import { Rng } from './rng.ts';
import { planOfPrepared, recordPlan } from './run-plan.ts';
import { train, type TrainResult } from './trainer.ts';

/** What a run was asked to do; stored as the run's config so it can be resumed or shown. */
export interface RunSpec {
  task: TaskName;
  base: BaseModel;
  hp: Hyperparameters;
  preset?: PresetName;
  evalSteps?: number;
  tuneOutOfScope?: boolean;
}

export function runDirOf(home: string, runId: number): string {
  return path.join(home, 'runs', String(runId));
}

export function baseModelName(base: BaseModel): string {
  return base.kind === 'scratch' ? `from-scratch-${base.size}` : base.dir;
}

export function createTrainingRun(store: Store, projectId: number, datasetId: number, spec: RunSpec): Run {
  // No device yet: the trainer decides it (main/train/device.ts) and its `prepared` event records it.
  return createRun(store, { projectId, datasetId, task: spec.task, baseModel: baseModelName(spec.base), config: spec as unknown as Record<string, unknown>, device: null });
}

/** Hashes in 1 MiB chunks: a BERT-base weights file is ~440 MB and must not sit in memory twice. */
function sha256(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** Metrics go to the store in batches: one transaction per evaluation or every 20 steps. */
class MetricBuffer {
  private points: NewMetric[] = [];
  constructor(
    private readonly store: Store,
    private readonly runId: number,
  ) {}
  add(p: NewMetric): void {
    this.points.push(p);
  }
  flush(): void {
    appendMetrics(this.store, this.runId, this.points);
    this.points = [];
  }
  get size(): number {
    return this.points.length;
  }
}

/** No validation split: 10% of train held out (seeded) so early stopping has something honest to watch. */
export function holdOutValidation<T>(train: readonly T[], seed: number): { train: T[]; validation: T[] } {
  const order = new Rng(seed).shuffle(train.map((_, i) => i));
  const held = new Set(order.slice(0, Math.max(1, Math.round(train.length * 0.1))));
  return { train: train.filter((_, i) => !held.has(i)), validation: train.filter((_, i) => held.has(i)) };
}

/**
 * Executes (or resumes) a stored run: loads its dataset's splits, trains, and keeps the store
 * current — status, metrics, best evaluation, artifacts — so the UI can be closed and reopened.
 */
export async function executeRun(store: Store, home: string, runId: number, opts: { control?: RunControl; onEvent?: (e: TrainEvent) => void; resume?: boolean } = {}): Promise<TrainResult & { baseline: Baseline }> {
  const run = getRun(store, runId);
  if (!run) throw new Error(`There is no run ${runId}; list runs with 'bert-studio runs'.`);
  if (run.datasetId === null) throw new Error(`The dataset of run ${runId} was deleted; start a new run on another dataset.`);
  const dataset = getDataset(store, run.datasetId);
  if (!dataset) throw new Error(`The dataset of run ${runId} was deleted; start a new run on another dataset.`);
  const spec = run.config as unknown as RunSpec;
  const runDir = runDirOf(home, runId);
  const control = opts.control ?? new RunControl();
  let trainEx = loadExamples(store, dataset.id, 'train');
  let validation = loadExamples(store, dataset.id, 'validation');
  const test = loadExamples(store, dataset.id, 'test');
  if (validation.length === 0) ({ train: trainEx, validation } = holdOutValidation(trainEx, spec.hp.seed));
  if (opts.resume) store.db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > (SELECT COALESCE(MAX(step), 0) FROM metrics WHERE run_id = ? AND split = ?)').run(runId, runId, 'validation');
  updateRun(store, runId, { status: 'running', error: null });
  const buffer = new MetricBuffer(store, runId);
  const onEvent = (e: TrainEvent) => {
    // Stored before the listeners hear of it, so one that reads the run then sees the device and plan.
    if (e.type === 'prepared') recordPlan(store, runId, planOfPrepared(e));
    else if (e.type === 'step') {
      buffer.add({ step: e.step, epoch: e.epoch, split: 'train', name: 'loss', value: e.loss });
      buffer.add({ step: e.step, epoch: e.epoch, split: 'train', name: 'lr', value: e.lr });
      if (buffer.size >= 40) buffer.flush();
    } else if (e.type === 'evaluation') {
      for (const [name, value] of Object.entries(e.validation)) buffer.add({ step: e.step, epoch: e.epoch, split: 'validation', name, value });
      for (const [name, value] of Object.entries(e.train)) buffer.add({ step: e.step, epoch: e.epoch, split: 'train', name: name === 'loss' ? 'eval_loss' : name, value });
      buffer.flush();
      if (e.improved) updateRun(store, runId, { bestEpoch: e.bestEpoch, bestMetricName: e.monitor, bestMetric: e.best });
    } else if (e.type === 'paused') updateRun(store, runId, { status: 'paused' });
    else if (e.type === 'resumed') updateRun(store, runId, { status: 'running' });
    opts.onEvent?.(e);
  };
  try {
    // The baseline first (seconds), on the very splits the model gets, so it is there to compare from the first evaluation.
    const labels = getTask(spec.task as string).labelSet([...trainEx, ...validation]);
    const baseline = await baselineForRun(store, runId, runDir, { task: spec.task, train: trainEx, validation, test, labels });
    onEvent({ type: 'baseline', kind: baseline.kind, validation: baseline.validation, ...(baseline.test ? { test: baseline.test } : {}), seconds: baseline.seconds });
    const result = await train({ task: spec.task, train: trainEx, validation, test, base: spec.base, hp: spec.hp, runDir, evalSteps: spec.evalSteps, tuneOutOfScope: spec.tuneOutOfScope, resume: opts.resume, control, onEvent });
    buffer.flush();
    const step = result.bestStep;
    const finalPoints: NewMetric[] = [];
    for (const [split, metrics] of [['validation', result.metrics.validation], ['test', result.metrics.test ?? {}]] as const)
      for (const [name, value] of Object.entries(metrics)) finalPoints.push({ step, epoch: result.bestEpoch, split, name: `final_${name}`, value });
    appendMetrics(store, runId, finalPoints);
    const weights = path.join(result.modelDir, 'model.safetensors');
    if (!listArtifacts(store, runId, 'hf').some((a) => a.path === result.modelDir)) addArtifact(store, { runId, kind: 'hf', path: result.modelDir, size: fs.statSync(weights).size, sha256: sha256(weights) });
    updateRun(store, runId, {
      status: result.stopped === 'cancelled' ? 'cancelled' : 'completed',
      stoppedReason: result.stopped,
      bestEpoch: result.bestEpoch,
      bestMetricName: result.monitor,
      bestMetric: result.metrics.validation[result.monitor] ?? null,
    });
    return { ...result, baseline };
  } catch (err) {
    buffer.flush();
    updateRun(store, runId, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
