/**
 * The trainer's plan of a run as the API shows it. main/train/run-plan.ts stores it with the run
 * on the trainer's `prepared` event (for runs started from the CLI too); this reads it back.
 */
import type { RunPlan } from '../types.ts';

export { planOfPrepared } from '../../train/run-plan.ts';

const NUMBERS = ['batchSize', 'microBatch', 'accumulation', 'peakMiB', 'budgetMiB'] as const;

/** The stored plan of a run; undefined for runs trained before plans were kept, or outside the app. */
export function storedPlan(config: Record<string, unknown>): RunPlan | undefined {
  const p = config.plan as Partial<Record<keyof RunPlan, unknown>> | undefined;
  if (typeof p !== 'object' || p === null) return undefined;
  if (typeof p.device !== 'string' || typeof p.fits !== 'boolean' || !NUMBERS.every((k) => typeof p[k] === 'number')) return undefined;
  return {
    device: p.device,
    ...(typeof p.cores === 'number' ? { cores: p.cores } : {}),
    ...(typeof p.deviceReason === 'string' ? { deviceReason: p.deviceReason } : {}),
    ...(typeof p.deviceWarning === 'string' ? { deviceWarning: p.deviceWarning } : {}),
    ...(p.precision === 'fp32' || p.precision === 'fp16' ? { precision: p.precision } : {}),
    ...(typeof p.precisionReason === 'string' ? { precisionReason: p.precisionReason } : {}),
    batchSize: p.batchSize as number,
    microBatch: p.microBatch as number,
    accumulation: p.accumulation as number,
    peakMiB: p.peakMiB as number,
    budgetMiB: p.budgetMiB as number,
    fits: p.fits,
  };
}
