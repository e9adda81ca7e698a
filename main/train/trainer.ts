import fs from 'node:fs';
import path from 'node:path';
import { createEngineModel, type TensorData } from '../engine/api.ts';
import { encodeSafetensors, readSafetensors } from '../models/safetensors.ts';
import { collate } from '../tasks/collate.ts';
import { getTask } from '../tasks/registry.ts';
import type { DecodeOptions, Feature, LabelSet, TaskModule, TaskName } from '../tasks/types.ts';
import { writeFileAtomic } from './atomic.ts';
import { lengthGroupedBatches } from './batching.ts';
import { loadCheckpoint, saveCheckpoint, type TrainerState } from './checkpoint.ts';
import { CancelledError, RunControl } from './control.ts';
import { initialEarlyStopping, updateEarlyStopping } from './early-stopping.ts';
import { evaluateExamples } from './evaluate.ts';
import type { StopReason, TrainEvent } from './events.ts';
import { prepareModel, textsOf, type BaseModel } from './prepare.ts';
import type { Hyperparameters } from './presets.ts';
import { Rng } from './rng.ts';
import { choosePrecision, resolveDevice, type TrainDevice } from './device.ts';
import { cachedStepTimer, timingCacheFor } from './device-timing.ts';
import { EVAL_BATCH, planForRun, splitEvenly, toMiB } from './memory.ts';
import { linearWarmupDecay, warmupFromRatio } from './schedule.ts';
import { saveModelFolder } from './model-folder.ts';
import { defaultTruncation } from '../tasks/head-tail.ts';

export interface TrainJob {
  task: TaskName;
  train: readonly unknown[];
  validation: readonly unknown[];
  test?: readonly unknown[];
  base: BaseModel;
  hp: Hyperparameters;
  /** Folder for checkpoints, best weights and the final model (created if missing). */
  runDir: string;
  /** Label vocabulary; derived from train (+ validation) examples when absent. */
  labels?: LabelSet;
  /** Evaluate every N optimizer steps; 0 = once per epoch. */
  evalSteps?: number;
  /** Intent: tune an out-of-scope confidence threshold on validation. */
  tuneOutOfScope?: boolean;
  /** Continue from runDir/checkpoint when it exists. */
  resume?: boolean;
  control?: RunControl;
  onEvent?: (e: TrainEvent) => void;
}

export interface TrainResult {
  stopped: StopReason;
  bestEpoch: number;
  bestStep: number;
  monitor: string;
  labels: LabelSet;
  threshold?: number;
  metrics: { validation: Record<string, number>; test?: Record<string, number> };
  /** The trained model as a Hugging Face folder (best weights). */
  modelDir: string;
  /** The device the run trained on. */
  device: TrainDevice;
}

const TRAIN_GAP_SAMPLE = 512;

function epochOrder(lengths: number[], batchSize: number, seed: number, epoch: number): number[][] {
  // Data order is a pure function of (seed, epoch): resuming needs no RNG state beyond that.
  return lengthGroupedBatches(lengths, batchSize, new Rng((seed * 1_000_003 + epoch * 7919) >>> 0));
}

/** Trains a model on a task end to end: prepare, loop with evaluation + early stopping, restore best, test, save. */
export async function train(job: TrainJob): Promise<TrainResult> {
  const emit = job.onEvent ?? (() => undefined);
  const control = job.control ?? new RunControl();
  const task = getTask(job.task) as TaskModule<unknown, unknown>;
  const hp = job.hp;
  // First, before any work: a device asked for by name that cannot train here fails the run.
  let choice = await resolveDevice(hp.device ?? 'auto');
  fs.mkdirSync(job.runDir, { recursive: true });
  const labels = job.labels ?? task.labelSet([...job.train, ...job.validation]);
  const prepared = await prepareModel({ task: job.task, base: job.base, labels, trainTexts: textsOf(job.task, job.train), workDir: job.runDir, seed: hp.seed, maxLength: hp.maxLength });
  const { tokenizer, head } = prepared;
  // Classification of long texts: head+tail when most training texts are over the max length, unless the user chose.
  const truncation = job.task === 'classification' ? (hp.truncation ?? defaultTruncation(tokenizer, textsOf(job.task, job.train), hp.maxLength)) : undefined;
  const featureOpts = { maxLength: hp.maxLength, labels, stride: hp.stride, truncation };
  const trainFeatures = task.features(job.train, tokenizer, featureOpts);
  const valFeatures = task.features(job.validation, tokenizer, featureOpts);
  if (trainFeatures.length === 0) throw new Error('There are no training examples to learn from; import a dataset with a train split.');
  // The train–validation gap is measured on a fixed sample of training examples.
  const gapIdx = new Rng(hp.seed).shuffle(job.train.map((_, i) => i)).slice(0, TRAIN_GAP_SAMPLE).sort((a, b) => a - b);
  const gapExamples = gapIdx.map((i) => job.train[i]);
  const gapFeatures = task.features(gapExamples, tokenizer, featureOpts);

  // 'auto' with a GPU that can train: time this model's step on both devices and take the faster.
  if ((hp.device ?? 'auto') === 'auto' && choice.device !== 'cpu') {
    const shape = { config: prepared.config, head, batch: hp.batchSize, seq: hp.maxLength, freezeLayers: hp.freezeLayers ?? 0 };
    choice = await resolveDevice('auto', cachedStepTimer(shape, timingCacheFor(job.runDir)));
  }
  const device = choice.device;
  const { precision, reason: precisionReason } = choosePrecision(hp.precision ?? 'auto', choice);
  const model = await createEngineModel({ precision, config: prepared.config, head, weights: prepared.weights, adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: hp.weightDecay, maxGradNorm: hp.maxGradNorm }, freezeEmbeddings: hp.freezeEmbeddings ?? false, freezeLayers: hp.freezeLayers ?? 0, device });
  try {
    const lengths = trainFeatures.map((f) => f.inputIds.length);
    // Micro-batch × accumulation that fits the memory budget at the longest batch (it runs first).
    const planned = planForRun(prepared.config, head, lengths.reduce((a, n) => Math.max(a, n), 1), hp);
    const stepsPerEpoch = Math.ceil(trainFeatures.length / hp.batchSize);
    const totalSteps = stepsPerEpoch * hp.epochs;
    const warmup = warmupFromRatio(totalSteps, hp.warmupRatio);
    const ckDir = path.join(job.runDir, 'checkpoint');
    const bestFile = path.join(job.runDir, 'best.safetensors');
    const monitor = task.monitorFor?.(labels) ?? task.monitor;
    const esCfg = { patience: hp.patience, minDelta: hp.minDelta, mode: 'max' as const };
    const padId = tokenizer.special.pad.id;

    let state: TrainerState = { version: 1, epoch: 0, batchInEpoch: 0, globalStep: 0, early: initialEarlyStopping(), elapsedSec: 0 };
    const ck = job.resume ? loadCheckpoint(ckDir) : undefined;
    if (ck) {
      model.setParameters(ck.params);
      model.setOptimizerState({ m: ck.m, v: ck.v });
      state = ck.state;
    }
    // A resumed run splits batches as it did before the interruption, whatever memory says now.
    const accumulation = state.accumulation ?? planned.accumulation;
    state.accumulation = accumulation;
    const plan = { ...planned, accumulation, microBatch: Math.ceil(hp.batchSize / accumulation) };
    emit({ type: 'prepared', device, deviceReason: choice.reason, precision, precisionReason, ...(choice.warning ? { deviceWarning: choice.warning } : {}), parameters: [...prepared.weights.values()].reduce((a, t) => a + t.data.length, 0), trainExamples: job.train.length, trainFeatures: trainFeatures.length, validationExamples: job.validation.length, stepsPerEpoch, totalSteps, resumedFromStep: state.globalStep, initializedHead: prepared.initializedHead, scratch: job.base.kind === 'scratch', batchSize: hp.batchSize, microBatch: plan.microBatch, accumulation: plan.accumulation, memoryEstimateMiB: toMiB(plan.estimate.total), memoryBudgetMiB: toMiB(plan.budget), memoryFits: plan.fits, ...(truncation === 'head-tail' ? { headTail: true } : {}) });

    let threshold = state.threshold;
    const decodeOpts = (): DecodeOptions => ({ labels, ...(threshold !== undefined ? (labels.multiLabel ? { threshold } : { oosThreshold: threshold }) : {}) });
    const evalOpts = () => ({ padId, head, batchSize: EVAL_BATCH, decode: decodeOpts(), signal: control.signal });
    let stopped: StopReason = 'max_epochs';
    // Throughput counts optimizer-step time only: evaluation and pauses do not dilute it.
    let trainSecs = 0;
    let stepsThisSession = 0;
    let examplesThisSession = 0;
    let tokensThisSession = 0;

    const evaluateNow = async (epochFloat: number): Promise<boolean> => {
      const val = await evaluateExamples(model, task, job.validation, valFeatures, evalOpts());
      if (task.tuneThreshold && task.applyThreshold && (labels.multiLabel || (job.task === 'intent' && job.tuneOutOfScope))) {
        const choice = task.tuneThreshold(val.predictions, job.validation);
        threshold = choice.threshold;
        Object.assign(val.metrics, task.metrics(task.applyThreshold(val.predictions, threshold), job.validation).metrics);
      }
      const gap = await evaluateExamples(model, task, gapExamples, gapFeatures, evalOpts());
      const value = val.metrics[monitor] ?? Number.NaN;
      const d = updateEarlyStopping(esCfg, state.early, value, { step: state.globalStep, epoch: epochFloat });
      state = { ...state, early: d.state, threshold };
      if (d.improved) {
        // Best weights need the parameters only, not the AdamW moments (2/3 of the state).
        await model.syncToHost('parameters');
        writeFileAtomic(bestFile, encodeSafetensors(model.parameters()));
      }
      emit({ type: 'evaluation', step: state.globalStep, epoch: epochFloat, validation: val.metrics, train: gap.metrics, monitor, improved: d.improved, best: d.state.best, bestEpoch: d.state.bestEpoch, patienceLeft: Math.max(0, hp.patience - d.state.wait) });
      return d.stop;
    };

    const saveState = async () => {
      // A GPU-resident model reads its state back only here (checkpoints) and for best weights.
      await model.syncToHost();
      const opt = model.optimizerState();
      saveCheckpoint(ckDir, { state, params: model.parameters(), m: opt.m, v: opt.v });
    };

    try {
      outer: for (let epoch = state.epoch; epoch < hp.epochs; epoch++) {
        const batches = epochOrder(lengths, hp.batchSize, hp.seed, epoch);
        for (let b = epoch === state.epoch ? state.batchInEpoch : 0; b < batches.length; b++) {
          let wasPaused = false;
          await control.checkpoint(() => {
            wasPaused = true;
            emit({ type: 'paused', step: state.globalStep });
          });
          if (wasPaused) emit({ type: 'resumed', step: state.globalStep });
          const t0 = Date.now();
          const feats: Feature[] = batches[b].map((i) => trainFeatures[i]);
          // One batch → `accumulation` micro-batches, each padded to its own longest example.
          const micro = splitEvenly(feats, plan.accumulation).map((part) => collate(part, padId, head));
          const lr = linearWarmupDecay(state.globalStep, hp.lr, warmup, totalSteps);
          const r = await model.step(micro, { lr, step: state.globalStep + 1, seed: hp.seed, dropout: true });
          if (!Number.isFinite(r.loss)) throw new Error(`Training diverged at step ${state.globalStep + 1} (the loss became ${r.loss}); lower the learning rate and start again.`);
          state = { ...state, globalStep: state.globalStep + 1, epoch, batchInEpoch: b + 1 };
          stepsThisSession++;
          examplesThisSession += feats.length;
          tokensThisSession += micro.reduce((n, mb) => n + mb.batch * mb.seq, 0);
          const dt = (Date.now() - t0) / 1000;
          trainSecs += dt;
          state.elapsedSec += dt;
          const secs = Math.max(1e-3, trainSecs);
          const perStep = secs / stepsThisSession;
          emit({ type: 'step', step: state.globalStep, epoch: epoch + (b + 1) / batches.length, loss: r.loss, lr, gradNorm: r.gradNorm, examplesPerSec: examplesThisSession / secs, tokensPerSec: tokensThisSession / secs, etaSec: perStep * (totalSteps - state.globalStep) });
          const endOfEpoch = b + 1 === batches.length;
          const evalNow = job.evalSteps ? state.globalStep % job.evalSteps === 0 || (endOfEpoch && epoch + 1 === hp.epochs) : endOfEpoch;
          if (evalNow) {
            if (endOfEpoch) state = { ...state, epoch: epoch + 1, batchInEpoch: 0 };
            const stop = await evaluateNow(epoch + (b + 1) / batches.length);
            await saveState();
            if (stop) {
              stopped = 'early';
              break outer;
            }
          }
        }
        state = { ...state, epoch: epoch + 1, batchInEpoch: 0 };
      }
    } catch (err) {
      if (!(err instanceof CancelledError)) throw err;
      stopped = 'cancelled';
    }

    // Restore the best evaluation's weights: the point of early stopping.
    if (fs.existsSync(bestFile)) model.setParameters(readSafetensors(bestFile));
    const finalOpts = { padId, head, batchSize: EVAL_BATCH, decode: decodeOpts() };
    const validation = (await evaluateExamples(model, task, job.validation, valFeatures, finalOpts)).metrics;
    let test: Record<string, number> | undefined;
    if (job.test && job.test.length) test = (await evaluateExamples(model, task, job.test, task.features(job.test, tokenizer, featureOpts), finalOpts)).metrics;
    const bestEpoch = state.early.bestEvaluation >= 0 ? Math.ceil(state.early.bestEpoch) : 0;
    const modelDir = path.join(job.runDir, 'model');
    await model.syncToHost();
    const params: Map<string, TensorData> = model.parameters();
    saveModelFolder(modelDir, { config: prepared.config, head, labels, params, tokenizerDir: prepared.tokenizerDir, threshold, maxLength: hp.maxLength, task: job.task, truncation });
    emit({ type: 'finished', stopped, bestEpoch, validation, ...(test ? { test } : {}) });
    return { stopped, bestEpoch, bestStep: state.early.bestStep, monitor, labels, ...(threshold !== undefined ? { threshold } : {}), metrics: { validation, ...(test ? { test } : {}) }, modelDir, device };
  } finally {
    await model.dispose();
  }
}

