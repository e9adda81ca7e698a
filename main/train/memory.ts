// Memory estimate of a training run and the automatic micro-batch size. The estimate is a
// physical model (what the engine holds per parameter, what a layer keeps per token for the
// backward) with constants fitted to peak RSS measured on this project's build machine
// (bert-studio bench --json; BERT tiny/mini/small/base, seq 128, batch 4–32, with and without
// accumulation and frozen layers: all within ±11%; test/train/memory.test.ts lists them).
import os from 'node:os';
import type { HeadSpec, ModelConfig } from '../engine/api.ts';
import { paramSpecs } from '../models/graph/init.ts';
import { frozenParams } from '../engine/freeze.ts';
import type { Hyperparameters } from './presets.ts';

const F32 = 4;
const MIB = 2 ** 20;

/**
 * Node, tsx and ONNX Runtime's libraries and thread pools before any model: the intercept of
 * peak RSS against parameter bytes (tiny 377, mini 670, small 1,351 MiB at batch 0).
 */
const RUNTIME_BYTES = 200 * MIB;
/**
 * Beyond the host's parameters, moments and gradients (4 copies), ORT's outputs of the new
 * parameters and moments (3) and AdamW's temporaries plus replaced arrays V8 has not yet
 * collected: fitted as 5.2 more parameter-sized buffers (9.2 in all; refitted with the
 * activations below on the 17 runs of memory.test.ts).
 */
const ORT_COPIES_PER_PARAM = 5.2;
/**
 * Accumulation adds the host's gradient sum (1) and the apply session's own arena and
 * outputs. With the word-embedding gradient carried sparsely (its sum is one reused buffer)
 * measured +0.9 to +2.4 parameter copies over the one-graph step (tiny, mini); it was +3.2 to
 * +3.9 when every micro-batch returned the dense table.
 */
const ACCUMULATION_PER_PARAM = 2;

export interface MemoryEstimate {
  /** Host copy of every parameter. */
  weights: number;
  /** Gradients of trainable parameters and their squares (the norm and second moment share g²). */
  gradients: number;
  /** AdamW's first and second moments of trainable parameters (frozen ones stay untouched zero pages, not resident). */
  adamw: number;
  /** ONNX Runtime's outputs (new parameters, moments), update temporaries, host gradient sum when accumulating. */
  ortCopies: number;
  /** What the forward keeps for the backward, for one micro-batch (trainable layers only: a frozen layer's tensors are freed as soon as the next layer has read them). */
  activations: number;
  /** Trainer only: the evaluation session's peak and the checkpoint / best-weights copies. */
  evaluation: number;
  /** Node + ONNX Runtime before any model. */
  runtime: number;
  total: number;
}

export interface MemoryEstimateInput {
  config: ModelConfig;
  head: HeadSpec;
  /** Examples per graph run (the micro-batch when accumulating). */
  batch: number;
  /** Padded sequence length of the longest batch. */
  seq: number;
  /** Micro-batches per optimizer step (1 = the one-graph step). */
  accumulation?: number;
  freezeEmbeddings?: boolean;
  /** Encoder layers 0..N-1 frozen too (implies frozen embeddings). */
  freezeLayers?: number;
  /** The trainer's evaluation batch (0 or absent: a bare training loop, as in bench). */
  evalBatch?: number;
}

/**
 * Floats a BERT layer keeps per token for the backward, as a share of the tensors it computes:
 * ~6H (Q, K, V, context, residuals, LayerNorm outputs), ~3I (FFN pre-activation, GELU terms,
 * output) and ~5 per attention score (per head and key position), of which about half are
 * still held when the backward reaches them. Before dead backward nodes were pruned (their
 * d/d of constant dropout scales and divisors read forward tensors) all of them were:
 * measured then tiny 3,379, mini 7,834, small 13,517 floats per token-layer at seq 128, now
 * half of that fits every measured peak (memory.test.ts).
 */
export function activationFloatsPerTokenLayer(config: ModelConfig, seq: number): number {
  return 3 * config.hiddenSize + 1.5 * config.intermediateSize + 2.5 * config.numHeads * seq;
}

export function estimateTrainingMemory(input: MemoryEstimateInput): MemoryEstimate {
  const { config, head, batch, seq } = input;
  const frozen = frozenParams(input);
  let all = 0;
  let trainable = 0;
  for (const s of paramSpecs(config, head)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    all += n;
    if (!frozen(s.name)) trainable += n;
  }
  const backwardLayers = config.numLayers - Math.min(input.freezeLayers ?? 0, config.numLayers);
  const accumulating = (input.accumulation ?? 1) > 1;
  const weights = all * F32;
  const gradients = 2 * trainable * F32;
  const adamw = 2 * trainable * F32;
  const ortCopies = (ORT_COPIES_PER_PARAM + (accumulating ? ACCUMULATION_PER_PARAM : 0)) * trainable * F32;
  const activations = batch * seq * backwardLayers * activationFloatsPerTokenLayer(config, seq) * F32;
  const runtime = RUNTIME_BYTES;
  const evaluation = input.evalBatch ? evaluationBytes(config, input.evalBatch, seq, all) : 0;
  return { weights, gradients, adamw, ortCopies, activations, evaluation, runtime, total: weights + gradients + adamw + ortCopies + activations + evaluation + runtime };
}

/**
 * The evaluation session keeps its own arena: an inference forward frees each layer's
 * tensors, so its peak is about 3 attention-score tensors [B, heads, S, S] and 2 FFN tensors
 * [B, S, I]. Saving a checkpoint copies parameters and moments to the host and encodes them
 * (parameters(), optimizerState(), the best-weights file): ~5 parameter-sized buffers.
 * Measured: a mini from-scratch run (3.5M parameters, batch 32 × 64) peaked at 546 MiB
 * against 568 MiB from this estimate.
 */
function evaluationBytes(config: ModelConfig, batch: number, seq: number, params: number): number {
  const forward = batch * seq * (3 * config.numHeads * seq + 2 * config.intermediateSize) * F32;
  return forward + 5 * params * F32;
}

/**
 * Default budget: half the machine's memory, leaving the rest to the UI, the OS and the
 * evaluation and checkpoint copies. Total (not free) memory so that a resumed run picks the
 * same micro-batch as the original and stays bit-identical.
 */
export function defaultMemoryBudget(): number {
  return Math.floor(os.totalmem() / 2);
}

export interface BatchPlan {
  /** Examples per graph run. */
  microBatch: number;
  /** Micro-batches per optimizer step; microBatch × accumulation ≥ the batch size. */
  accumulation: number;
  estimate: MemoryEstimate;
  budget: number;
  /** False when even one example per micro-batch is estimated over the budget. */
  fits: boolean;
}

/**
 * The largest micro-batch whose estimate fits `budget`, and the accumulation that keeps the
 * effective batch at `batchSize`. The batch is then cut into `accumulation` near-equal parts
 * (sizes differ by at most one), the micro-batch reported is the largest part.
 */
export function planBatch(input: Omit<MemoryEstimateInput, 'batch' | 'accumulation'> & { batchSize: number; budget: number; microBatch?: number }): BatchPlan {
  const { batchSize, budget } = input;
  const split = (micro: number): BatchPlan => {
    const accumulation = Math.ceil(batchSize / Math.max(1, Math.min(micro, batchSize)));
    const microBatch = Math.ceil(batchSize / accumulation);
    const estimate = estimateTrainingMemory({ ...input, batch: microBatch, accumulation });
    return { microBatch, accumulation, estimate, budget, fits: estimate.total <= budget };
  };
  // The user's explicit micro-batch wins (Hugging Face's per-device batch × accumulation steps).
  if (input.microBatch !== undefined) return split(input.microBatch);
  const whole = split(batchSize);
  if (whole.fits) return whole;
  let micro = batchSize - 1;
  while (micro > 1 && estimateTrainingMemory({ ...input, batch: micro, accumulation: 2 }).total > budget) micro--;
  const plan = split(micro);
  // Accumulation costs parameter-sized buffers: when nothing fits, take whichever needs less.
  return plan.fits || plan.estimate.total < whole.estimate.total ? plan : whole;
}

/** Examples per evaluation batch: the trainer evaluates with it, so its memory counts in a run's plan. */
export const EVAL_BATCH = 64;

/**
 * The plan of a run with these settings, exactly as the trainer makes it (`seq`: the run's
 * longest example); the Settings screen shows the same call's result before the run.
 */
export function planForRun(config: ModelConfig, head: HeadSpec, seq: number, hp: Pick<Hyperparameters, 'batchSize' | 'maxMemoryMiB' | 'microBatch' | 'freezeEmbeddings' | 'freezeLayers'>): BatchPlan {
  return planBatch({
    config,
    head,
    seq,
    evalBatch: EVAL_BATCH,
    batchSize: hp.batchSize,
    budget: hp.maxMemoryMiB ? hp.maxMemoryMiB * MIB : defaultMemoryBudget(),
    freezeEmbeddings: hp.freezeEmbeddings ?? false,
    freezeLayers: hp.freezeLayers ?? 0,
    ...(hp.microBatch ? { microBatch: hp.microBatch } : {}),
  });
}

/** `items` cut into `parts` contiguous near-equal chunks (the first ones one longer). */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const k = Math.max(1, Math.min(parts, items.length));
  const base = Math.floor(items.length / k);
  const extra = items.length % k;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < k; i++) {
    const n = base + (i < extra ? 1 : 0);
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

export const toMiB = (bytes: number): number => Math.round(bytes / MIB);
