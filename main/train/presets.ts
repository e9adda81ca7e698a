/**
 * Presets choose epochs, batch size, learning rate and max length from the dataset size, the
 * task and whether the model is pretrained. Every value stays overridable by the user.
 *
 * Why these numbers: fine-tuning a pretrained encoder wants a small rate (2e-5–5e-5, HF's
 * default 5e-5) and few epochs; a from-scratch model has to learn everything and wants a large
 * rate (1e-3 reached PyTorch's reference on banking77 in 15 epochs) — except that the 4-layer
 * model at 1e-3 was seen to fail to learn binary sentiment at all, where 5e-4 worked, so
 * models larger than tiny get 5e-4 from scratch.
 */
export type PresetName = 'quick' | 'balanced' | 'thorough';
export const PRESETS: readonly PresetName[] = ['quick', 'balanced', 'thorough'];
export type TaskName = 'classification' | 'ner' | 'qa' | 'intent';
export type ScratchSize = 'tiny' | 'mini' | 'small';

export interface PresetInput {
  preset: PresetName;
  task: TaskName;
  trainRows: number;
  /** Undefined for a pretrained base model. */
  scratch?: ScratchSize;
  /** 95th percentile of training lengths in tokens, when known. */
  p95Tokens?: number;
  /** The longest input the base model takes (inputPositions of its config), when known: the default max length never exceeds it. */
  maxPositions?: number;
}

/**
 * The longest sequence a model's position table can number: max_position_embeddings, less
 * RoBERTa's offset (it numbers positions from padding_idx + 1, so 64 positions hold 62 tokens).
 */
export function inputPositions(config: { modelType: string; maxPositions: number; padTokenId: number }): number {
  return config.modelType === 'roberta' ? config.maxPositions - config.padTokenId - 1 : config.maxPositions;
}

export interface Hyperparameters {
  epochs: number;
  batchSize: number;
  lr: number;
  maxLength: number;
  warmupRatio: number;
  weightDecay: number;
  patience: number;
  minDelta: number;
  maxGradNorm: number;
  seed: number;
  /** QA only: overlap between windows of a long context, in tokens. */
  stride: number;
  /** Memory budget for training in MiB (default: half the machine's memory); batches that do not fit are split and accumulated. */
  maxMemoryMiB?: number;
  /** Examples per graph run when the user sets it (else chosen from the memory budget); the batch size stays the effective batch. */
  microBatch?: number;
  /** Opt-in: no updates to the embedding tables (faster, less memory; for small datasets on a pretrained model). */
  freezeEmbeddings?: boolean;
  /** Opt-in: also freeze the lowest N encoder layers (implies frozen embeddings); backward stops above them. */
  freezeLayers?: number;
  /** Where to train (main/train/device.ts): 'auto' (the default) takes a verified hardware GPU, else the CPU with the reason. */
  device?: 'auto' | 'cpu' | 'webgpu';
  /**
   * 'auto' (the default): mixed precision (fp16) on a GPU whose adapter has half-precision
   * shaders, else fp32; 'fp32' everywhere; 'fp16' asks for mixed precision by name.
   */
  precision?: 'auto' | 'fp32' | 'fp16';
  /** Classification: how texts over maxLength are cut; default head+tail when most training texts are that long (main/tasks/head-tail.ts). */
  truncation?: 'head' | 'head-tail';
}

// From scratch on banking77 (tiny, lr 1e-3, batch 32, dropout 0.1), validation accuracy still
// climbed after epoch 20 and crossed 0.85 at epoch 26 of 30; patience 3 stopped runs on noise
// around epoch 11, and single epochs dip by up to 0.015 (hence patience 6 for Balanced).
const EPOCHS: Record<PresetName, { pretrained: number; scratch: number }> = {
  quick: { pretrained: 2, scratch: 15 },
  balanced: { pretrained: 4, scratch: 30 },
  thorough: { pretrained: 8, scratch: 40 },
};
const PATIENCE: Record<PresetName, { pretrained: number; scratch: number }> = {
  quick: { pretrained: 2, scratch: 4 },
  balanced: { pretrained: 3, scratch: 6 },
  thorough: { pretrained: 4, scratch: 8 },
};

function roundUpTo(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

export function presetHyperparameters(input: PresetInput): Hyperparameters {
  const scratch = input.scratch !== undefined;
  let epochs = EPOCHS[input.preset][scratch ? 'scratch' : 'pretrained'];
  // Small datasets need more passes to see enough steps; early stopping guards against overfitting.
  if (input.trainRows < 1000) epochs = Math.ceil(epochs * 1.5);
  const batchSize = input.task === 'qa' ? 16 : input.trainRows < 2000 ? 16 : 32;
  const lr = scratch ? (input.scratch === 'tiny' ? 1e-3 : 5e-4) : input.task === 'qa' ? 3e-5 : 5e-5;
  const defaultMax = input.task === 'qa' ? 384 : 128;
  const wanted = input.task === 'qa' ? defaultMax : Math.min(512, Math.max(32, roundUpTo(input.p95Tokens ?? defaultMax, 16)));
  // A base model with a short position table (64 in small test models) would fail on longer batches.
  const maxLength = input.maxPositions !== undefined ? Math.min(wanted, input.maxPositions) : wanted;
  return {
    epochs,
    batchSize,
    lr,
    maxLength,
    warmupRatio: scratch ? 0.06 : 0.1,
    weightDecay: 0.01,
    patience: PATIENCE[input.preset][scratch ? 'scratch' : 'pretrained'],
    minDelta: 0,
    maxGradNorm: 1.0,
    seed: 42,
    stride: 128,
  };
}
