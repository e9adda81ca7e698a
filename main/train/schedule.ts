/**
 * Hugging Face's linear schedule with warmup. `step` is 0-based: step s uses
 * lr·s/warmup while s < warmup, then lr·max(0, (total − s)/(total − warmup)).
 * Computed in float64 (JS numbers) and fed to the graph, never in float32.
 */
export function linearWarmupDecay(step: number, lr: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return (lr * step) / Math.max(1, warmupSteps);
  return lr * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Warmup steps from a ratio of the total (HF's `warmup_ratio`), rounded up. */
export function warmupFromRatio(totalSteps: number, ratio: number): number {
  return Math.ceil(totalSteps * ratio);
}
