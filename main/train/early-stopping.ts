/**
 * Early stopping on the monitored validation metric: stop after `patience` evaluations
 * without an improvement larger than `minDelta`. The state is plain data so it can be
 * checkpointed with the run.
 */
export interface EarlyStoppingState {
  best: number | null;
  bestEvaluation: number; // 0-based index of the best evaluation, -1 before the first
  bestStep: number;
  bestEpoch: number;
  wait: number; // evaluations since the best
  evaluations: number;
}

export interface EarlyStoppingConfig {
  patience: number;
  minDelta: number;
  /** 'max' for metrics like F1, 'min' for a loss. */
  mode: 'max' | 'min';
}

export interface EarlyStoppingDecision {
  improved: boolean;
  stop: boolean;
  state: EarlyStoppingState;
}

export function initialEarlyStopping(): EarlyStoppingState {
  return { best: null, bestEvaluation: -1, bestStep: 0, bestEpoch: 0, wait: 0, evaluations: 0 };
}

export function updateEarlyStopping(cfg: EarlyStoppingConfig, s: EarlyStoppingState, value: number, at: { step: number; epoch: number }): EarlyStoppingDecision {
  const evaluation = s.evaluations;
  // NaN never counts as an improvement: a diverged run stops instead of "improving".
  const improved = Number.isFinite(value) && (s.best === null || (cfg.mode === 'max' ? value > s.best + cfg.minDelta : value < s.best - cfg.minDelta));
  const state: EarlyStoppingState = improved
    ? { best: value, bestEvaluation: evaluation, bestStep: at.step, bestEpoch: at.epoch, wait: 0, evaluations: evaluation + 1 }
    : { ...s, wait: s.wait + 1, evaluations: evaluation + 1 };
  return { improved, stop: cfg.patience > 0 && state.wait >= cfg.patience, state };
}
