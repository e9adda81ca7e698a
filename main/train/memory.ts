// Memory estimate of a training run and the automatic micro-batch size. The estimate is a
// physical model (what the engine holds per parameter, what a layer keeps per token for the
// backward) with two constants fitted to peak RSS measured on this project's build machine
// (bert-studio bench --json and accumulation runs; BERT tiny/mini/small/base, seq 64–128,
// batch 4–32, frozen embeddings or not: all within ±11%; test/train/memory.test.ts lists them).
import os from 'node:os';
import type { HeadSpec, ModelConfig } from '../engine/api.ts';
import { paramSpecs } from '../models/graph/init.ts';
import { isEmbeddingParam } from '../engine/train-graph.ts';

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
 * collected: fitted as 5.5 more parameter-sized buffers (10.5 in all: tiny→small slope).
 */
const ORT_COPIES_PER_PARAM = 5.5;
/**
 * Accumulation adds the host's gradient sum (1) and the apply session's own arena and
 * outputs: measured +3.2 to +3.9 parameter copies over the one-graph step (tiny, mini).
 */
const ACCUMULATION_PER_PARAM = 3.7;

export interface MemoryEstimate {
  /** Host copy of every parameter. */
  weights: number;
  /** Gradients of trainable parameters and their squares (the norm and second moment share g²). */
  gradients: number;
  /** AdamW's first and second moments of trainable parameters (frozen ones stay untouched zero pages, not resident). */
  adamw: number;
  /** ONNX Runtime's outputs (new parameters, moments), update temporaries, host gradient sum when accumulating. */
  ortCopies: number;
  /** What the forward keeps for the backward, for one micro-batch. */
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
  /** The trainer's evaluation batch (0 or absent: a bare training loop, as in bench). */
  evalBatch?: number;
}

/**
 * Floats a BERT layer keeps per token for the backward: ~6H (Q, K, V, context, residuals,
 * LayerNorm outputs), ~3I (the FFN pre-activation, GELU terms, output) and ~5 per attention
 * score (scores, mask-added, probabilities, dropout mask, dropped probabilities, per head and
 * key position). Measured per token-layer at seq 128: tiny 3,379, mini 7,834, small 13,517
 * floats against 3,584, 7,168 and 14,336 from this formula.
 */
export function activationFloatsPerTokenLayer(config: ModelConfig, seq: number): number {
  return 6 * config.hiddenSize + 3 * config.intermediateSize + 5 * config.numHeads * seq;
}

export function estimateTrainingMemory(input: MemoryEstimateInput): MemoryEstimate {
  const { config, head, batch, seq } = input;
  let all = 0;
  let trainable = 0;
  for (const s of paramSpecs(config, head)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    all += n;
    if (!(input.freezeEmbeddings && isEmbeddingParam(s.name))) trainable += n;
  }
  const accumulating = (input.accumulation ?? 1) > 1;
  const weights = all * F32;
  const gradients = 2 * trainable * F32;
  const adamw = 2 * trainable * F32;
  const ortCopies = (ORT_COPIES_PER_PARAM + (accumulating ? ACCUMULATION_PER_PARAM : 0)) * trainable * F32;
  const activations = batch * seq * config.numLayers * activationFloatsPerTokenLayer(config, seq) * F32;
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
