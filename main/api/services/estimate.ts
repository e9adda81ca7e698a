import os from 'node:os';
import type { BaseModel, Estimate, PresetEstimate, PresetName, TaskKind, TrainSettings } from '../types.ts';
import { presetHyperparameters, PRESETS } from '../../train/presets.ts';

/** Encoder shapes for the estimate; pretrained models default to BERT-base when unknown. */
const SHAPES: Record<string, { layers: number; hidden: number }> = {
  tiny: { layers: 2, hidden: 128 },
  mini: { layers: 4, hidden: 256 },
  small: { layers: 4, hidden: 512 },
  base: { layers: 12, hidden: 768 },
};

/**
 * Sustained CPU training throughput in FLOP/s per core. DESIGN.md measured ~47 GFLOP per
 * CPU-second for ONNX Runtime's SGEMM; the step is ~85% GEMM, so the whole step runs nearer 35.
 */
const FLOPS_PER_CORE = 35e9;

export function settingsFor(preset: PresetName, task: TaskKind, trainRows: number, base: BaseModel): TrainSettings {
  return presetHyperparameters({ preset, task, trainRows, ...(base.kind === 'scratch' ? { scratch: base.size } : {}) });
}

/**
 * A rough time and memory estimate: 6 FLOPs per parameter per token for forward+backward
 * (Kaplan et al.), plus attention's 12·L·H·S per token; AdamW keeps 4 copies of the weights.
 * Shown to the user as "about", so an honest order of magnitude is what matters.
 */
export function estimateRun(settings: TrainSettings, trainRows: number, base: BaseModel, meanTokens: number): { seconds: number; memoryMb: number } {
  const shape = base.kind === 'scratch' ? SHAPES[base.size] : SHAPES.base;
  const { layers, hidden } = shape;
  const encoderParams = layers * 12 * hidden * hidden;
  const seq = Math.min(settings.maxLength, Math.max(8, meanTokens));
  const flopsPerToken = 6 * encoderParams + 12 * layers * hidden * seq;
  const tokensPerEpoch = trainRows * seq;
  const cores = Math.max(1, Math.min(os.availableParallelism(), 8));
  const seconds = (flopsPerToken * tokensPerEpoch * settings.epochs) / (FLOPS_PER_CORE * cores);
  const vocab = base.kind === 'scratch' ? 8000 : 30522;
  const weights = (encoderParams + vocab * hidden) * 4;
  const activations = settings.batchSize * settings.maxLength * hidden * layers * 24 * 4;
  return { seconds: Math.round(seconds * 1.15 + 5), memoryMb: Math.round((weights * 4 + activations) / 2 ** 20 + 150) };
}

export function estimatePresets(task: TaskKind, trainRows: number, base: BaseModel, meanTokens: number): Estimate {
  const presets: PresetEstimate[] = PRESETS.map((preset) => {
    const settings = settingsFor(preset, task, trainRows, base);
    return { preset, settings, ...estimateRun(settings, trainRows, base, meanTokens) };
  });
  return { device: `CPU (${os.availableParallelism()} cores)`, trainRows, presets };
}
