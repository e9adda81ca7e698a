// One way to run a model, whatever it was loaded from: the in-app engine (a trained model
// folder) or an exported ONNX file run by ONNX Runtime. Verification compares the two on the
// same features; batch prediction and "Try it" use either.
import path from 'node:path';
import type { Batch, HeadSpec } from '../engine/api.ts';
import { inputFeeds } from '../engine/feeds.ts';
import { createSession, type Session } from '../engine/runtime.ts';
import { collate } from '../tasks/collate.ts';
import { getTask } from '../tasks/registry.ts';
import type { BatchOutputs, DecodeOptions, Feature, ModelOutputs, TaskModule } from '../tasks/types.ts';
import { loadTokenizer, type Tokenizer } from '../text/index.ts';
import { evaluationBatches } from '../train/batching.ts';
import { predictFeatures } from '../train/evaluate.ts';
import type { StudioModelInfo } from '../train/model-folder.ts';
import { loadTrainedModel, type TrainedModel } from '../train/trained-model.ts';
import { readOnnxMetadata, studioInfoFromMetadata } from './onnx-metadata.ts';

export interface Predictor {
  readonly source: string;
  readonly info: StudioModelInfo;
  readonly task: TaskModule<unknown, unknown>;
  readonly tokenizer: Tokenizer;
  readonly decode: DecodeOptions;
  readonly head: HeadSpec;
  /** Model outputs (dropout off) for `features`, in batches sorted by length; rows say which features. */
  outputs(features: readonly Feature[], opts?: { batchSize?: number; signal?: AbortSignal }): Promise<BatchOutputs[]>;
  dispose(): Promise<void>;
}

const DEFAULT_BATCH = 32;

/** Decoding settings from the model info (the thresholds tuned on validation when training). */
export function decodeOptionsOf(info: StudioModelInfo): DecodeOptions {
  const t = info.threshold;
  if (t === undefined) return { labels: info.labels };
  return info.labels.multiLabel ? { labels: info.labels, threshold: t } : { labels: info.labels, oosThreshold: t };
}

/** The in-app engine over an already loaded trained model (not disposed by this predictor). */
export function enginePredictor(trained: TrainedModel): Predictor {
  const head = trained.task.headSpec(trained.info.labels);
  return {
    source: trained.dir,
    info: trained.info,
    task: trained.task,
    tokenizer: trained.tokenizer,
    decode: trained.decode,
    head,
    async outputs(features, opts = {}) {
      return (await predictFeatures(trained.model, features, trained.tokenizer.special.pad.id, head, opts.batchSize ?? DEFAULT_BATCH, opts.signal)).outputs;
    },
    dispose: async () => undefined,
  };
}

/** A trained model folder (config.json + weights + tokenizer + bert_studio.json) on the engine. */
export async function folderPredictor(dir: string): Promise<Predictor> {
  const trained = await loadTrainedModel(dir);
  return { ...enginePredictor(trained), dispose: () => trained.dispose() };
}

// ONNX output names → ModelOutputs fields.
const FIELDS: Record<string, Exclude<keyof ModelOutputs, 'dims'>> = { logits: 'logits', start_logits: 'startLogits', end_logits: 'endLogits', slot_logits: 'slotLogits' };

/** Runs one collated batch through an ONNX session holding an exported model. */
export async function runOnnxBatch(session: Session, batch: Batch): Promise<ModelOutputs> {
  const all = inputFeeds(batch, true);
  const feeds = Object.fromEntries(session.inputNames.map((n) => [n, all[n]]));
  const missing = session.inputNames.filter((n) => !all[n]);
  if (missing.length) throw new Error(`The ONNX model wants inputs ${missing.join(', ')}, which BERT Studio does not provide; it was not exported by BERT Studio.`);
  const res = await session.run(feeds);
  const out: ModelOutputs = { dims: {} };
  for (const [name, t] of Object.entries(res)) {
    const field = FIELDS[name];
    if (!field) continue;
    out[field] = t.data as Float32Array;
    out.dims![field] = [...t.shape];
  }
  return out;
}

/** An exported ONNX file, with the tokenizer files that sit next to it. */
export async function onnxPredictor(file: string, opts: { threads?: number } = {}): Promise<Predictor> {
  const info = studioInfoFromMetadata(file, readOnnxMetadata(file));
  const task = getTask(info.task);
  const dir = path.dirname(file);
  let tokenizer: Tokenizer;
  try {
    tokenizer = await loadTokenizer(dir);
  } catch (err) {
    throw new Error(`The tokenizer files next to ${file} could not be read (${err instanceof Error ? err.message : String(err)}); keep the exported folder together.`);
  }
  const session = await createSession(file, opts.threads ? { threads: opts.threads } : {});
  const head = task.headSpec(info.labels);
  return {
    source: file,
    info,
    task,
    tokenizer,
    decode: decodeOptionsOf(info),
    head,
    async outputs(features, o = {}) {
      const out: BatchOutputs[] = [];
      for (const rows of evaluationBatches(features.map((f) => f.inputIds.length), o.batchSize ?? DEFAULT_BATCH)) {
        if (o.signal?.aborted) throw o.signal.reason ?? new Error('cancelled');
        out.push({ rows, outputs: await runOnnxBatch(session, collate(rows.map((i) => features[i]), tokenizer.special.pad.id, head)) });
      }
      return out;
    },
    dispose: () => session.release(),
  };
}
