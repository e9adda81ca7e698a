import fs from 'node:fs';
import path from 'node:path';
import type { Command, CommandContext, ParsedArgs } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, flag, num, str } from '../parse.ts';
import { importDataset } from '../../data/index.ts';
import { freezeLayersProblem } from '../../engine/freeze.ts';
import type { ModelConfig } from '../../engine/api.ts';
import { ModelFormatError, parseConfig } from '../../models/config.ts';
import { registerLocalFolder } from '../../models/hub/local-folder.ts';
import { resolveModelRef } from '../../models/hub/resolve.ts';
import type { Store } from '../../store/db.ts';
import { countExamples, ensureProject, getDataset, getRun } from '../../store/index.ts';
import { TASK_NAMES } from '../../tasks/registry.ts';
import type { TaskName } from '../../tasks/types.ts';
import { RunControl } from '../../train/control.ts';
import type { TrainEvent } from '../../train/events.ts';
import { inputPositions, PRESETS, presetHyperparameters, type Hyperparameters, type ScratchSize } from '../../train/presets.ts';
import type { BaseModel } from '../../train/prepare.ts';
import { createTrainingRun, executeRun, type RunSpec } from '../../train/run-service.ts';
import { SCRATCH_SIZES } from '../../train/scratch.ts';
import { DEVICE_REQUESTS, DeviceUnavailableError, resolveDevice, type DeviceRequest } from '../../train/device.ts';
import { DEVICE_LABEL } from '../../api/wording.ts';
import type { TrainResult } from '../../train/trainer.ts';
import { withStore } from './datasets.ts';
import { baselineAdvice, baselineShortName, metricWords } from '../../baseline/advice.ts';
import { baselineReport } from '../../baseline/for-run.ts';
import type { Baseline } from '../../store/types.ts';

const SIZES: readonly ScratchSize[] = ['tiny', 'mini', 'small'];
const TRUNCATIONS = ['head', 'head-tail'] as const;
export const SCRATCH_WARNING = 'Training from scratch: with no pretrained model the result is much weaker than fine-tuning a pretrained one; use it to try the app or when no model is available.';

function fmt(n: number): string {
  return Math.abs(n) >= 100 || n === 0 ? n.toFixed(0) : n.toPrecision(3);
}

/** One progress line per epoch fraction / evaluation, so logs stay readable. */
export function progressPrinter(ctx: CommandContext): (e: TrainEvent) => void {
  let lastLine = 0;
  return (e) => {
    if (e.type === 'prepared') {
      // Which device and why, every run: a CPU fallback is never silent.
      ctx.out.info(`Training on ${e.device === 'cpu' ? 'the CPU' : DEVICE_LABEL[e.device]}: ${e.deviceReason}`);
      if (e.deviceWarning) ctx.out.info(`Warning: ${e.deviceWarning}`);
      if (e.precisionReason) ctx.out.info(`Precision: ${e.precisionReason}`);
      ctx.out.info(`${e.trainExamples} training examples, ${e.validationExamples} validation, ${e.totalSteps} steps (${e.stepsPerEpoch} per epoch), ${(e.parameters / 1e6).toFixed(1)}M parameters.`);
      const split = e.accumulation > 1 ? `; batch ${e.batchSize} as ${e.microBatch} × ${e.accumulation} (gradient accumulation)` : '';
      ctx.out.info(`Memory estimate ~${e.memoryEstimateMiB} MiB (budget ${e.memoryBudgetMiB} MiB)${split}.`);
      if (!e.memoryFits) ctx.out.info(`Warning: even one example per step is estimated over the memory budget; training may run out of memory. Lower --max-length or raise --max-memory.`);
      if (e.scratch) ctx.out.info(SCRATCH_WARNING);
      if (e.headTail) ctx.out.info('Most texts are longer than the max length: each keeps its first quarter and its last three quarters of tokens (head+tail truncation), which classifies long documents better than cutting their end.');
      if (e.resumedFromStep) ctx.out.info(`Resuming at step ${e.resumedFromStep}.`);
    } else if (e.type === 'step') {
      const t = Date.now();
      if (t - lastLine < 2000) return;
      lastLine = t;
      ctx.out.info(`epoch ${e.epoch.toFixed(2)}  step ${e.step}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${fmt(e.examplesPerSec)} examples/s  ETA ${Math.round(e.etaSec)} s`);
    } else if (e.type === 'evaluation') {
      const v = e.validation[e.monitor];
      const tr = e.train[e.monitor];
      ctx.out.info(`evaluation at epoch ${e.epoch.toFixed(2)}: validation ${e.monitor} ${v?.toFixed(4)}, loss ${e.validation.loss?.toFixed(4)}; train ${e.monitor} ${tr?.toFixed(4)}${e.improved ? '  (best so far)' : `  (no improvement; early stop after ${e.patienceLeft} more)`}`);
    } else if (e.type === 'baseline') {
      const shown = Object.entries(e.validation).map(([k, x]) => `${metricWords(k)} ${x.toFixed(4)}`).join(', ');
      ctx.out.info(`The ${baselineShortName(e.kind)}, trained in ${e.seconds.toFixed(1)} s on the same data, scores on validation: ${shown}. The model has to beat it.`);
    } else if (e.type === 'finished') {
      const why = e.stopped === 'early' ? 'stopped early: the validation metric stopped improving' : e.stopped === 'cancelled' ? 'cancelled' : 'ran all epochs';
      ctx.out.info(`Training ${why}; restored the best weights (epoch ${e.bestEpoch}).`);
    }
  };
}

/** --precision: auto (mixed on GPUs with half-precision shaders), fp32, fp16. */
const PRECISIONS = ['auto', 'fp32', 'fp16'] as const;

function hyperparameters(args: ParsedArgs, task: TaskName, trainRows: number, scratch: ScratchSize | undefined, freezeLayers: number | undefined, device: DeviceRequest | undefined, model?: { positions: number }): Hyperparameters & { preset: string } {
  const preset = choice(args, 'preset', PRESETS) ?? 'balanced';
  const base = presetHyperparameters({ preset, task, trainRows, scratch, ...(model ? { maxPositions: model.positions } : {}) });
  const pick = (name: string, fallback: number, o: Parameters<typeof num>[2]) => num(args, name, o) ?? fallback;
  const maxMemory = num(args, 'max-memory', { min: 64, integer: true });
  const microBatch = num(args, 'micro-batch', { min: 1, max: 4096, integer: true });
  return {
    ...base,
    preset,
    epochs: pick('epochs', base.epochs, { min: 1, max: 1000, integer: true }),
    batchSize: pick('batch-size', base.batchSize, { min: 1, max: 4096, integer: true }),
    lr: pick('lr', base.lr, { min: 1e-8, max: 1 }),
    maxLength: pick('max-length', base.maxLength, { min: 8, max: 512, integer: true }),
    patience: pick('patience', base.patience, { min: 0, max: 1000, integer: true }),
    seed: pick('seed', base.seed, { min: 0, max: 2 ** 31, integer: true }),
    warmupRatio: pick('warmup-ratio', base.warmupRatio, { min: 0, max: 1 }),
    weightDecay: pick('weight-decay', base.weightDecay, { min: 0, max: 1 }),
    ...(maxMemory !== undefined ? { maxMemoryMiB: maxMemory } : {}),
    ...(microBatch !== undefined ? { microBatch } : {}),
    ...(flag(args, 'freeze-embeddings') ? { freezeEmbeddings: true } : {}),
    ...(freezeLayers ? { freezeLayers } : {}),
    ...(device ? { device } : {}),
    ...(choice(args, 'precision', PRECISIONS) ? { precision: choice(args, 'precision', PRECISIONS) } : {}),
    ...(choice(args, 'truncation', TRUNCATIONS) ? { truncation: choice(args, 'truncation', TRUNCATIONS) } : {}),
  };
}

/**
 * --device, checked against this machine's device probe before any work: a device asked for by
 * name that cannot train here is a user error (exit 2) with the probe's reason.
 */
export async function deviceOption(args: ParsedArgs): Promise<DeviceRequest | undefined> {
  const request = choice(args, 'device', DEVICE_REQUESTS);
  if (request === undefined) return undefined;
  try {
    await resolveDevice(request);
  } catch (err) {
    if (err instanceof DeviceUnavailableError) throw new UserError(err.message);
    throw err;
  }
  return request;
}

/** A pretrained base model's config.json, parsed; a user error when it cannot be read. */
function folderConfig(dir: string): { config: ModelConfig; file: string } {
  const file = path.join(dir, 'config.json');
  try {
    return { config: parseConfig(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file), file };
  } catch (err) {
    throw new UserError(err instanceof ModelFormatError ? err.message : `${file} could not be read as JSON; expected a Hugging Face config.json.`);
  }
}

/** Encoder layers of the base model: the scratch size's, or its config.json's. */
function baseLayers(base: BaseModel): number {
  return base.kind === 'scratch' ? SCRATCH_SIZES[base.size].layers : folderConfig(base.dir).config.numLayers;
}

/**
 * How many tokens a pretrained base model reads (its position table), with the file that says
 * so; a --max-length beyond it is a user error (the default is clamped to it by the presets).
 */
function basePositions(args: ParsedArgs, base: BaseModel): { positions: number; file: string } | undefined {
  if (base.kind === 'scratch') return undefined;
  const { config, file } = folderConfig(base.dir);
  const positions = inputPositions(config);
  const asked = num(args, 'max-length', { min: 8, max: 512, integer: true });
  if (asked !== undefined && asked > positions)
    throw new UserError(`Option --max-length ${asked} is longer than this base model reads: ${file} gives it ${positions} positions. Use --max-length ${positions} or less, or leave it out.`);
  return { positions, file };
}

/** --freeze-layers N as a whole number, checked against the base model's layer count (one must stay trainable). */
function freezeLayersOption(args: ParsedArgs, base: BaseModel): number | undefined {
  const n = num(args, 'freeze-layers', { min: 0, integer: true });
  if (n === undefined) return undefined;
  const layers = baseLayers(base);
  if (freezeLayersProblem(n, layers)) throw new UserError(`Option --freeze-layers must be a whole number from 0 to ${layers - 1}: the base model has ${layers} encoder layers and at least one must stay trainable; got ${n}.`);
  return n;
}

async function datasetFromFiles(ctx: CommandContext, store: Store, args: ParsedArgs, task: TaskName): Promise<number> {
  const files = (['train', 'validation', 'test'] as const).map((k) => str(args, k)).filter((f): f is string => f !== undefined).map((f) => path.resolve(f));
  for (const f of files) if (!fs.existsSync(f)) throw new UserError(`File ${f} does not exist; check the path.`);
  const { report, dataset } = await importDataset(store, files, { task, project: str(args, 'project') ?? 'Default' }, { signal: ctx.signal });
  if (!dataset) throw new UserError(`The data has problems that block training; nothing was stored. Fix them and run again:`, report.errors.slice(0, 20).map((e) => e.message));
  ctx.out.info(`Imported ${dataset.rowCount} examples as dataset ${dataset.id} (train ${dataset.splits.train}, validation ${dataset.splits.validation}, test ${dataset.splits.test}).`);
  return dataset.id;
}

/**
 * The folder of a base model given as a path, a catalog name or a Hub id (cached). A folder
 * holding only pytorch_model.bin (or sharded weights) is converted to safetensors once, into
 * the models cache, with the restricted unpickler — the user's folder is never changed.
 */
async function baseFolder(ctx: CommandContext, ref: string): Promise<string> {
  let dir: string;
  try {
    const resolved = await resolveModelRef(ctx.home, ref);
    dir = resolved.registered?.path ?? resolved.path;
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  if (!fs.existsSync(path.join(dir, 'config.json'))) throw new UserError(`${dir} is not a model folder (it has no config.json).`);
  if (!fs.existsSync(path.join(dir, 'model.safetensors'))) {
    ctx.out.info(`Converting the weights in ${dir} to safetensors (once; your folder is not changed)…`);
    try {
      dir = (await registerLocalFolder(ctx.home, dir)).path;
    } catch (err) {
      throw new UserError(err instanceof Error ? err.message : String(err));
    }
  }
  return dir;
}

function resultJson(runId: number, r: TrainResult & { baseline: Baseline }, out: string | undefined, scratch: boolean) {
  const advice = baselineAdvice({ kind: r.baseline.kind, metric: r.monitor, model: r.metrics.validation[r.monitor], baseline: r.baseline.validation[r.monitor], scratch, exportable: r.baseline.modelPath !== null });
  return { run: runId, stopped: r.stopped, best_epoch: r.bestEpoch, monitor: r.monitor, device: r.device, metrics: r.metrics, baseline: baselineReport(r.baseline), ...(advice ? { advice } : {}), out: out ?? r.modelDir };
}

async function runAndReport(ctx: CommandContext, store: Store, runId: number, resume: boolean, out: string | undefined): Promise<void> {
  const control = new RunControl(ctx.signal);
  let result: Awaited<ReturnType<typeof executeRun>>;
  try {
    result = await executeRun(store, ctx.home, runId, { control, onEvent: progressPrinter(ctx), resume });
  } catch (err) {
    // A resumed run keeps its device setting: one that cannot train here any more is the user's to change (exit 2).
    if (err instanceof DeviceUnavailableError) throw new UserError(err.message);
    throw err;
  }
  if (out) {
    fs.rmSync(out, { recursive: true, force: true });
    fs.cpSync(result.modelDir, out, { recursive: true });
  }
  const scratch = (getRun(store, runId)?.config as { base?: BaseModel } | undefined)?.base?.kind === 'scratch';
  ctx.out.result(resultJson(runId, result, out, scratch), (v) => {
    const r = v as ReturnType<typeof resultJson>;
    const lines = [`Run ${r.run} finished (${r.stopped}); best epoch ${r.best_epoch}. Model: ${r.out}`];
    const line = (m: Record<string, number>) => Object.entries(m).filter(([, x]) => typeof x === 'number').map(([k, x]) => `${k} ${x.toFixed(4)}`).join(', ');
    for (const [split, m] of Object.entries(r.metrics)) lines.push(`${split}: ${line(m as Record<string, number>)}`);
    for (const split of ['validation', 'test'] as const) if (r.baseline[split]) lines.push(`${baselineShortName(r.baseline.kind)}, ${split}: ${line(r.baseline[split])}`);
    if (r.advice) lines.push(r.advice);
    return lines.join('\n');
  });
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Fine-tune a model on a dataset (or train a small one from scratch), with early stopping',
  usage: '--task T (--dataset ID | --train FILE [--validation FILE] [--test FILE]) (--model DIR | --from-scratch SIZE) [options] | --resume RUN',
  options: [
    { name: 'task', type: 'string', value: 'T', help: `${TASK_NAMES.join(', ')}` },
    { name: 'dataset', type: 'string', value: 'ID', help: 'A dataset imported before (bert-studio datasets)' },
    { name: 'train', type: 'string', value: 'FILE', help: 'Training data file (imported as a new dataset)' },
    { name: 'validation', type: 'string', value: 'FILE', help: 'Validation data file (default: 10% of train)' },
    { name: 'test', type: 'string', value: 'FILE', help: 'Test data file' },
    { name: 'project', type: 'string', value: 'NAME', help: "Project for data imported with --train (default 'Default')" },
    { name: 'model', type: 'string', value: 'DIR|NAME', help: 'Base model: a Hugging Face model folder, or a catalog/Hub model added with bert-studio models add' },
    { name: 'from-scratch', type: 'string', value: 'SIZE', help: `No pretrained model: a small BERT (${SIZES.join(', ')}); much weaker` },
    { name: 'preset', type: 'string', value: 'NAME', help: `${PRESETS.join(', ')} (default balanced)` },
    { name: 'epochs', type: 'string', value: 'N', help: 'Passes over the training data (the maximum: early stopping may end sooner)' },
    { name: 'batch-size', type: 'string', value: 'B', help: 'Examples per optimizer step' },
    { name: 'lr', type: 'string', value: 'X', help: 'Peak learning rate' },
    { name: 'max-length', type: 'string', value: 'L', help: 'Longest input in tokens; longer texts are cut' },
    { name: 'truncation', type: 'string', value: 'T', help: 'Classification: how a text over the max length is cut: head (keep its start) or head-tail (its first and last tokens; the default when most texts are that long)' },
    { name: 'patience', type: 'string', value: 'P', help: 'Evaluations without improvement before stopping (0 = never stop early)' },
    { name: 'warmup-ratio', type: 'string', value: 'R', help: 'Share of steps spent warming the learning rate up' },
    { name: 'weight-decay', type: 'string', value: 'W', help: 'AdamW weight decay (not applied to biases and LayerNorm)' },
    { name: 'eval-steps', type: 'string', value: 'N', help: 'Evaluate every N steps instead of every epoch' },
    { name: 'seed', type: 'string', value: 'S', help: 'Seed for initialization, data order and dropout' },
    { name: 'max-memory', type: 'string', value: 'MiB', help: 'Memory budget for training (default: half of this machine\'s memory); larger batches are split and their gradients accumulated' },
    { name: 'micro-batch', type: 'string', value: 'M', help: 'Examples per forward/backward pass (default: the largest that fits the memory budget); gradients of ⌈B/M⌉ passes are accumulated into one step' },
    { name: 'freeze-embeddings', type: 'boolean', help: 'Do not train the embedding tables (faster, less memory)' },
    { name: 'freeze-layers', type: 'string', value: 'N', help: 'Also freeze the embeddings and the lowest N encoder layers (0 to layers - 1); the backward stops above them' },
    { name: 'device', type: 'string', value: 'D', help: 'auto (default: a GPU whose training step was verified, else the CPU, saying why), cpu, or webgpu (fails when WebGPU cannot train here)' },
    { name: 'precision', type: 'string', value: 'P', help: 'auto (default: mixed fp16 on a GPU with half-precision shaders, else fp32), fp32, or fp16 (mixed precision by name)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'Also copy the trained model (a Hugging Face folder) here' },
    { name: 'resume', type: 'string', value: 'RUN', help: 'Continue a run that was interrupted, from its last checkpoint' },
  ],
  async run(ctx, args) {
    const out = str(args, 'out') ? path.resolve(str(args, 'out')!) : undefined;
    const resume = num(args, 'resume', { min: 1, integer: true });
    if (resume !== undefined) {
      if (str(args, 'device') !== undefined) throw new UserError('Option --device does not apply to --resume: a resumed run keeps the device setting it started with.');
      if (str(args, 'precision') !== undefined) throw new UserError('Option --precision does not apply to --resume: a resumed run keeps the precision setting it started with.');
      return withStore(ctx.home, async (store) => {
        const run = getRun(store, resume);
        if (!run) throw new UserError(`There is no run ${resume}; list runs with 'bert-studio runs'.`);
        if (run.status === 'completed') throw new UserError(`Run ${resume} already finished; there is nothing to resume.`);
        await runAndReport(ctx, store, resume, true, out);
      });
    }
    const task = choice(args, 'task', TASK_NAMES);
    if (!task) throw new UserError(`Option --task is required: one of ${TASK_NAMES.join(', ')}.`);
    const device = await deviceOption(args);
    const modelDir = str(args, 'model');
    const scratch = choice(args, 'from-scratch', SIZES);
    if ((modelDir === undefined) === (scratch === undefined)) throw new UserError('Choose the base model: --model DIR (a Hugging Face model folder) or --from-scratch tiny|mini|small.');
    const datasetOpt = num(args, 'dataset', { min: 1, integer: true });
    if ((datasetOpt === undefined) === (str(args, 'train') === undefined)) throw new UserError('Choose the data: --dataset ID (see bert-studio datasets) or --train FILE.');
    const base: BaseModel = modelDir ? { kind: 'folder', dir: await baseFolder(ctx, modelDir) } : { kind: 'scratch', size: scratch! };
    // Checked before any data is imported, so a bad value changes nothing.
    const freezeLayers = freezeLayersOption(args, base);
    const positions = basePositions(args, base);
    return withStore(ctx.home, async (store) => {
      const datasetId = datasetOpt ?? (await datasetFromFiles(ctx, store, args, task));
      const dataset = getDataset(store, datasetId);
      if (!dataset) throw new UserError(`There is no dataset ${datasetId}; list them with 'bert-studio datasets'.`);
      if (dataset.task !== task) throw new UserError(`Dataset ${datasetId} was imported for ${dataset.task}, not ${task}; import it again with --task ${task}.`);
      const trainRows = countExamples(store, datasetId).train;
      const { preset, ...hp } = hyperparameters(args, task, trainRows, scratch, freezeLayers, device, positions);
      const spec: RunSpec = { task, base, hp, preset: preset as RunSpec['preset'], ...(num(args, 'eval-steps', { min: 1, integer: true }) ? { evalSteps: num(args, 'eval-steps', { min: 1, integer: true }) } : {}) };
      const run = createTrainingRun(store, dataset.projectId ?? ensureProject(store, 'Default').id, datasetId, spec);
      ctx.out.info(`Run ${run.id}: ${task} on dataset ${datasetId} with ${modelDir ?? `a from-scratch ${scratch} model`}; epochs ${hp.epochs}, batch ${hp.batchSize}, lr ${hp.lr}, max length ${hp.maxLength}, patience ${hp.patience}${hp.freezeLayers ? `; embeddings and the lowest ${hp.freezeLayers} layer(s) frozen` : ''}.`);
      try {
        await runAndReport(ctx, store, run.id, false, out);
      } catch (err) {
        if (err instanceof ModelFormatError) throw new UserError(err.message);
        throw err;
      }
    });
  },
};
