/**
 * What Settings shows per preset: the settings, an approximate duration (a formula) and the
 * trainer's memory plan (main/train/memory.ts through ./memory-plan.ts) for the real model.
 */
import os from 'node:os';
import type { ModelConfig } from '../../engine/api.ts';
import { defaultMemoryBudget, toMiB } from '../../train/memory.ts';
import { inputPositions, presetHyperparameters, PRESETS } from '../../train/presets.ts';
import type { BaseModel, Estimate, PresetName, RunEstimate, TaskKind, TrainSettings } from '../types.ts';
import type { Lengths } from './lengths.ts';
import { memoryPlan } from './memory-plan.ts';
import type { ModelShape } from './model-shape.ts';
import { checkSettingsForModel, totalMemoryMiB } from './settings-check.ts';

/**
 * Sustained CPU training throughput in FLOP/s per core. DESIGN.md measured ~47 GFLOP per
 * CPU-second for ONNX Runtime's SGEMM; the step is ~85% GEMM, so the whole step runs nearer 35.
 */
const FLOPS_PER_CORE = 35e9;

/** `config`: the base model's, so that the default max length fits its position table. */
export function settingsFor(preset: PresetName, task: TaskKind, trainRows: number, base: BaseModel, config?: ModelConfig): TrainSettings {
  return presetHyperparameters({ preset, task, trainRows, ...(base.kind === 'scratch' ? { scratch: base.size } : {}), ...(config && base.kind !== 'scratch' ? { maxPositions: inputPositions(config) } : {}) });
}

/**
 * A rough duration: per token, 6 FLOPs per layer parameter for forward + backward (Kaplan et
 * al.) and 12·H·S for attention; a frozen layer runs its forward only (a third). Shown as
 * "about": an honest order of magnitude is what matters, not a measurement.
 */
export function estimateSeconds(config: ModelConfig, settings: TrainSettings, trainRows: number, meanTokens: number): number {
  const { numLayers: layers, hiddenSize: h, intermediateSize: i } = config;
  const seq = Math.min(settings.maxLength, Math.max(8, meanTokens));
  const perLayer = 4 * h * h + 2 * h * i;
  const frozen = Math.min(settings.freezeLayers ?? 0, layers);
  const flopsPerToken = (layers - frozen) * (6 * perLayer + 12 * h * seq) + frozen * (2 * perLayer + 4 * h * seq);
  const cores = Math.max(1, Math.min(os.availableParallelism(), 8));
  const seconds = (flopsPerToken * trainRows * seq * settings.epochs) / (FLOPS_PER_CORE * cores);
  return Math.round(seconds * 1.15 + 5);
}

function estimateOne(shape: ModelShape, settings: TrainSettings, trainRows: number, lengths: Lengths): RunEstimate {
  return { settings, seconds: estimateSeconds(shape.config, settings, trainRows, lengths.meanTokens), memory: memoryPlan(shape, settings, lengths.longestTokens) };
}

/** The memory options the user set carry over to every preset (a preset chooses the rest). */
function memoryOptions(s: TrainSettings | undefined): Partial<TrainSettings> {
  if (!s) return {};
  return {
    ...(s.maxMemoryMiB !== undefined ? { maxMemoryMiB: s.maxMemoryMiB } : {}),
    ...(s.freezeEmbeddings !== undefined ? { freezeEmbeddings: s.freezeEmbeddings } : {}),
    ...(s.freezeLayers !== undefined ? { freezeLayers: s.freezeLayers } : {}),
  };
}

export interface EstimateInput {
  task: TaskKind;
  trainRows: number;
  base: BaseModel;
  shape: ModelShape;
  lengths: Lengths;
  device: string;
  /** The user's settings: estimated as `custom`, and their memory options applied to the presets. */
  settings?: TrainSettings;
}

export function estimateRuns(input: EstimateInput): Estimate {
  const { shape, trainRows, lengths } = input;
  if (input.settings) checkSettingsForModel(input.settings, shape);
  const carried = memoryOptions(input.settings);
  const presets = PRESETS.map((preset) => ({ preset, ...estimateOne(shape, { ...settingsFor(preset, input.task, trainRows, input.base, shape.config), ...carried }, trainRows, lengths) }));
  return {
    device: input.device,
    trainRows,
    presets,
    ...(input.settings ? { custom: estimateOne(shape, input.settings, trainRows, lengths) } : {}),
    model: { layers: shape.config.numLayers, hidden: shape.config.hiddenSize, pretrained: shape.pretrained },
    defaultMemoryMiB: toMiB(defaultMemoryBudget()),
    totalMemoryMiB: totalMemoryMiB(),
  };
}
