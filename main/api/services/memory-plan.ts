/**
 * The trainer's memory plan for the UI: the same estimate and micro-batch choice
 * (main/train/memory.ts planForRun, the very call main/train/trainer.ts makes), so
 * what Settings shows is what the run will do, and the plan in a sentence an analyst can use.
 */
import { planForRun, toMiB, type BatchPlan } from '../../train/memory.ts';
import type { MemoryPlan, TrainSettings } from '../types.ts';
import { formatMiB } from '../wording.ts';
import type { ModelShape } from './model-shape.ts';

function sentence(plan: BatchPlan, settings: TrainSettings): string {
  const peak = formatMiB(toMiB(plan.estimate.total));
  const limit = formatMiB(toMiB(plan.budget));
  const { batchSize } = settings;
  if (!plan.fits)
    return `Even ${plan.microBatch === 1 ? 'one example' : `${plan.microBatch} examples`} per pass needs about ${peak}, over the ${limit} memory limit: training may run out of memory. Lower the max length, pick a smaller model, or raise the memory limit.`;
  if (plan.accumulation === 1) return `The batch of ${batchSize} runs in one pass: about ${peak} at peak, under the ${limit} memory limit.`;
  // The batch is cut into near-equal parts: "of 8", or "of up to 7" when it does not divide evenly.
  const parts = `${plan.accumulation} passes of ${plan.microBatch * plan.accumulation === batchSize ? '' : 'up to '}${plan.microBatch}`;
  const why = settings.microBatch !== undefined ? 'as set under Advanced' : `to stay under ${limit}`;
  return `Batch ${batchSize} runs as ${parts} with gradient accumulation ${why} (about ${peak} at peak); the model learns as from batches of ${batchSize}.`;
}

/**
 * `longestTokens`: the longest example, padded batches never exceed it; the trainer plans at
 * its longest batch, so the estimate does too (the max length when the longest is unknown).
 */
export function memoryPlan(shape: ModelShape, settings: TrainSettings, longestTokens: number | undefined): MemoryPlan {
  // Nothing longer than the model's position table can run: its own limit caps the length too.
  const seq = Math.max(1, Math.min(settings.maxLength, longestTokens ?? settings.maxLength, shape.config.maxPositions));
  const plan = planForRun(shape.config, shape.head, seq, settings);
  return {
    peakMiB: toMiB(plan.estimate.total),
    budgetMiB: toMiB(plan.budget),
    batchSize: settings.batchSize,
    microBatch: plan.microBatch,
    accumulation: plan.accumulation,
    fits: plan.fits,
    sentence: sentence(plan, settings),
  };
}
