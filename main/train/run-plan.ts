/**
 * The trainer's plan of a run (its `prepared` event) as stored with the run, under `plan` in the
 * run's config (that column already holds JSON, so no schema change). run-service.ts stores it
 * for every run, started from the CLI or the app; the API reads it back (api/services/run-plan.ts).
 */
import os from 'node:os';
import { getRun, updateRun, type Store } from '../store/index.ts';
import type { TrainEvent } from './events.ts';

export type PreparedEvent = Extract<TrainEvent, { type: 'prepared' }>;

/** The stored plan; the API's RunPlan (main/api/types.ts) has this shape. */
export interface StoredPlan {
  device: string;
  /** Threads of the CPU runtime; absent on a GPU. */
  cores?: number;
  /** Why this device (for the CPU when a GPU was possible: why not the GPU). */
  deviceReason?: string;
  /** The device works but is a poor choice (a software GPU adapter asked for by name). */
  deviceWarning?: string;
  /** Mixed (fp16) or full (fp32) precision, and why. */
  precision?: 'fp32' | 'fp16';
  precisionReason?: string;
  batchSize: number;
  microBatch: number;
  accumulation: number;
  peakMiB: number;
  budgetMiB: number;
  fits: boolean;
}

/**
 * `cores`: the CPU runtime's threads, which default to this computer's cores
 * (main/engine/runtime.ts) in the process that trains, this one.
 */
export function planOfPrepared(e: PreparedEvent, cores: number = os.availableParallelism()): StoredPlan {
  return {
    device: e.device,
    ...(e.device === 'cpu' ? { cores } : {}),
    deviceReason: e.deviceReason,
    ...(e.deviceWarning ? { deviceWarning: e.deviceWarning } : {}),
    ...(e.precision ? { precision: e.precision } : {}),
    ...(e.precisionReason ? { precisionReason: e.precisionReason } : {}),
    batchSize: e.batchSize,
    microBatch: e.microBatch,
    accumulation: e.accumulation,
    peakMiB: e.memoryEstimateMiB,
    budgetMiB: e.memoryBudgetMiB,
    fits: e.memoryFits,
  };
}

/** Stores the plan and the device actually used with the run; a resumed run replaces them with those it resumed with. */
export function recordPlan(store: Store, runId: number, plan: StoredPlan): void {
  // No await between the read and the write, and only this process writes a live run's config.
  const run = getRun(store, runId);
  if (run) updateRun(store, runId, { device: plan.device, config: { ...run.config, plan } });
}
