import type { Store } from '../store/db.ts';
import { getRun, updateRun } from '../store/index.ts';
import { RunControl } from './control.ts';
import type { TrainEvent } from './events.ts';
import { createTrainingRun, executeRun, type RunSpec } from './run-service.ts';
import type { TrainResult } from './trainer.ts';

export type JobListener = (runId: number, e: TrainEvent | { type: 'failed'; error: string }) => void;

interface Job {
  control: RunControl;
  done: Promise<TrainResult | undefined>;
  /** The latest progress, so a window that reconnects sees where the run is at once. */
  last: Partial<Record<TrainEvent['type'], TrainEvent>>;
}

/**
 * Training jobs running in this process (the app's main process or `bert-studio serve`).
 * One job at a time trains — two would fight over the same cores — and others wait.
 * State lives in the store and the run folder, so a reopened window loses nothing.
 */
export class TrainingJobs {
  private readonly jobs = new Map<number, Job>();
  private readonly listeners = new Set<JobListener>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly home: string,
  ) {}

  /** Subscribes to every job's events; returns the unsubscribe function. */
  on(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates a run and starts it (queued behind a running one). */
  start(projectId: number, datasetId: number, spec: RunSpec): number {
    const run = createTrainingRun(this.store, projectId, datasetId, spec);
    this.launch(run.id, false);
    return run.id;
  }

  /** Continues an interrupted run from its last checkpoint. */
  resumeInterrupted(runId: number): void {
    const run = getRun(this.store, runId);
    if (!run) throw new Error(`There is no run ${runId}.`);
    if (this.jobs.has(runId)) throw new Error(`Run ${runId} is already running.`);
    if (run.status === 'completed') throw new Error(`Run ${runId} already finished; there is nothing to resume.`);
    this.launch(runId, true);
  }

  pause(runId: number): void {
    this.job(runId).control.pause();
  }

  resume(runId: number): void {
    this.job(runId).control.resume();
  }

  cancel(runId: number): void {
    this.job(runId).control.cancel();
  }

  isActive(runId: number): boolean {
    return this.jobs.has(runId);
  }

  /** The latest event of each kind for a live run (prepared, step, evaluation …). */
  snapshot(runId: number): Partial<Record<TrainEvent['type'], TrainEvent>> | undefined {
    return this.jobs.get(runId)?.last;
  }

  /** Resolves when the run ends (undefined if it failed). */
  wait(runId: number): Promise<TrainResult | undefined> {
    return this.jobs.get(runId)?.done ?? Promise.resolve(undefined);
  }

  /** Cancels everything (app shutdown); the checkpoints let the runs be resumed later. */
  async shutdown(): Promise<void> {
    for (const job of this.jobs.values()) job.control.cancel();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
  }

  private job(runId: number): Job {
    const job = this.jobs.get(runId);
    if (!job) throw new Error(`Run ${runId} is not running.`);
    return job;
  }

  private emit(runId: number, e: TrainEvent | { type: 'failed'; error: string }): void {
    for (const l of this.listeners) l(runId, e);
  }

  private launch(runId: number, resume: boolean): void {
    const control = new RunControl();
    const last: Job['last'] = {};
    const onEvent = (e: TrainEvent) => {
      last[e.type] = e;
      this.emit(runId, e);
    };
    const done = this.queue.then(async () => {
      if (control.isCancelled) {
        updateRun(this.store, runId, { status: 'cancelled', stoppedReason: 'cancelled' });
        this.jobs.delete(runId);
        return undefined;
      }
      try {
        return await executeRun(this.store, this.home, runId, { control, onEvent, resume });
      } catch (err) {
        this.emit(runId, { type: 'failed', error: err instanceof Error ? err.message : String(err) });
        return undefined;
      } finally {
        this.jobs.delete(runId);
      }
    });
    this.queue = done;
    this.jobs.set(runId, { control, done, last });
  }
}
