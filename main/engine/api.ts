// The engine's contract with the rest of the app (trainer, tasks, export). Types only here
// plus re-exports of the functions that implement them, so callers import one module.
import type { ModelConfig } from '../models/config.ts';
import type { HeadSpec, TensorData } from '../models/types.ts';
import type { Device } from './runtime.ts';

export type { ModelConfig } from '../models/config.ts';
export type { HeadSpec, TensorData } from '../models/types.ts';
export type { Device } from './runtime.ts';

/** One batch, row-major [batch, seq]. */
export interface Batch {
  batch: number;
  seq: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds?: BigInt64Array;
  /** [batch] class ids; [batch, numLabels] floats for multi-label; [batch, seq] for tokens (-100 ignored). */
  labels?: BigInt64Array | Float32Array;
  /** QA: [batch] each. */
  startPositions?: BigInt64Array;
  endPositions?: BigInt64Array;
  /** Joint intent + slots: [batch, seq], -100 ignored. */
  slotLabels?: BigInt64Array;
}

export interface AdamWConfig {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Global L2 clipping norm; 0 = no clipping. */
  maxGradNorm: number;
}

export interface StepOptions {
  lr: number;
  /** 1-based AdamW step t (bias corrections use it). */
  step: number;
  seed: number;
  dropout: boolean;
}

/** One micro-batch of gradient accumulation (EngineModel.accumulate). */
export interface MicroBatchOptions {
  seed: number;
  dropout: boolean;
  /**
   * Dropout key of this micro-batch: masks are a pure function of (seed, key, site, element),
   * so each micro-batch of a step needs its own key. step() uses step + k·2^24 for micro-batch
   * k: `step` itself for the first (as the one-graph step), distinct for any A while the
   * step count stays below 2^24.
   */
  dropoutKey: number;
  /**
   * The micro-batch loss is multiplied by this before the backward: 1/A for A equal
   * micro-batches, as Hugging Face's Trainer divides by gradient_accumulation_steps.
   */
  lossScale: number;
}

/** The optimizer update after accumulation (EngineModel.applyUpdate). */
export interface UpdateOptions {
  lr: number;
  /** 1-based AdamW step t. */
  step: number;
}

export interface StepResult {
  loss: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
}

export interface ForwardResult {
  loss?: number;
  logits?: Float32Array;
  startLogits?: Float32Array;
  endLogits?: Float32Array;
  slotLogits?: Float32Array;
  /** Shape of each returned array, by field name (e.g. { logits: [B, C] }). */
  dims: Record<string, number[]>;
}

export interface EngineModel {
  readonly config: ModelConfig;
  readonly head: HeadSpec;
  /**
   * One AdamW training step (forward, loss, backward, clipping, update). Given several
   * micro-batches it accumulates their gradients, each loss weighted by its share of the
   * examples (= 1/A for equal micro-batches, Hugging Face's semantics), then clips and
   * updates once: the same step as on their concatenation for per-example mean losses.
   * `loss` is then the same weighted mean of the micro-batch losses.
   */
  step(batch: Batch | readonly Batch[], opts: StepOptions): Promise<StepResult>;
  /** Adds d(loss·lossScale)/dθ of one micro-batch to the pending gradients; returns its (unscaled) loss. */
  accumulate(batch: Batch, opts: MicroBatchOptions): Promise<{ loss: number }>;
  /** Clips the pending gradients by global norm and applies AdamW; clears them. */
  applyUpdate(opts: UpdateOptions): Promise<{ gradNorm: number }>;
  /** Dropout off; loss only when the batch carries labels. */
  forward(batch: Batch): Promise<ForwardResult>;
  /**
   * Brings the host copy of parameters and AdamW moments up to date. A model whose training
   * state lives on a GPU (device-resident) reads it back only here: call it before
   * parameters(), optimizerState() or exportOnnx() after training steps ('parameters': only
   * what parameters() and exportOnnx() need, as for best weights). No-op on the CPU.
   */
  syncToHost(what?: 'parameters' | 'all'): Promise<void>;
  /** Hugging Face names → current values (copies); after syncToHost() when the model trained on a GPU. */
  parameters(): Map<string, TensorData>;
  setParameters(p: Map<string, TensorData>): void;
  optimizerState(): { m: Map<string, TensorData>; v: Map<string, TensorData> };
  setOptimizerState(s: { m: Map<string, TensorData>; v: Map<string, TensorData> }): void;
  /**
   * The forward graph with weights baked in: inputs input_ids, attention_mask (and
   * token_type_ids for BERT) int64 [batch, seq]; outputs logits | start_logits, end_logits |
   * logits + slot_logits.
   */
  exportOnnx(opts?: { metadata?: Record<string, string> }): Uint8Array;
  dispose(): Promise<void>;
}

export interface CreateEngineModelOptions {
  config: ModelConfig;
  head: HeadSpec;
  weights: Map<string, TensorData>;
  adamw: AdamWConfig;
  /**
   * Where every session of the model runs (default 'cpu'). Sessions open only on devices enabled
   * in this build (runtime.ts); whether this machine can train on one is the device probe's call
   * (devices.ts), which the trainer asks before it passes a GPU here.
   */
  device?: Device;
  /** No gradient or AdamW update for the embedding tables (and their LayerNorm): they stay as loaded. */
  freezeEmbeddings?: boolean;
  /**
   * Also freeze encoder layers 0..N-1 (implies frozen embeddings): no gradient, AdamW state or
   * update for them, and the backward stops at layer N. A whole number from 0 to layers - 1.
   */
  freezeLayers?: number;
  /**
   * 'fp16': mixed precision — the encoder computes in float16 from float32 master weights,
   * the head, loss, gradients' unscaling and AdamW stay float32, with a dynamic loss scale.
   * For GPUs with half-precision shaders (the probe's shaderF16); default 'fp32'.
   */
  precision?: 'fp32' | 'fp16';
}

export { createEngineModel } from './engine-model.ts';
export { initHeadWeights, randomInitWeights } from '../models/graph/init.ts';
export { parseConfig, ModelFormatError } from '../models/config.ts';
export { loadModelFolder } from '../models/load-folder.ts';
export type { ModelFolder } from '../models/load-folder.ts';
export { encodeSafetensors, readSafetensors, writeSafetensors } from '../models/safetensors.ts';
export { FAMILIES, decays, isHeadParam } from '../models/families.ts';
export type { Family } from '../models/families.ts';
export { paramSpecs } from '../models/graph/init.ts';
