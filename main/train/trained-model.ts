import path from 'node:path';
import { createEngineModel, type EngineModel } from '../engine/api.ts';
import { loadModelFolder } from '../models/load-folder.ts';
import { getTask } from '../tasks/registry.ts';
import type { DecodeOptions, LabelSet, TaskModule, TaskName } from '../tasks/types.ts';
import { loadTokenizer, type Tokenizer } from '../text/index.ts';
import { readStudioInfo, type StudioModelInfo } from './model-folder.ts';

/** A model trained by BERT Studio, loaded for evaluation, prediction or export. */
export interface TrainedModel {
  dir: string;
  info: StudioModelInfo;
  task: TaskModule<unknown, unknown>;
  model: EngineModel;
  tokenizer: Tokenizer;
  decode: DecodeOptions;
  dispose(): Promise<void>;
}

/**
 * Loads a model folder written by the trainer (config.json + model.safetensors + tokenizer +
 * bert_studio.json). Folders without bert_studio.json need `fallback` (task and labels).
 */
export async function loadTrainedModel(dir: string, fallback?: { task: TaskName; labels?: LabelSet; maxLength?: number }): Promise<TrainedModel> {
  const folder = loadModelFolder(dir);
  let info = readStudioInfo(dir);
  if (!info) {
    if (!fallback) throw new Error(`${path.join(dir, 'bert_studio.json')} is missing: this folder was not trained by BERT Studio; say which task it is for.`);
    const names = fallback.labels?.names ?? [...folder.config.labels];
    info = { task: fallback.task, labels: fallback.labels ?? { names }, maxLength: fallback.maxLength ?? 128 };
  }
  const task = getTask(info.task) as TaskModule<unknown, unknown>;
  const head = task.headSpec(info.labels);
  const model = await createEngineModel({ config: folder.config, head, weights: folder.weights, adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maxGradNorm: 0 } });
  const tokenizer = await loadTokenizer(dir);
  const threshold = info.threshold;
  const decode: DecodeOptions = { labels: info.labels, ...(threshold !== undefined ? (info.labels.multiLabel ? { threshold } : { oosThreshold: threshold }) : {}) };
  return { dir, info, task, model, tokenizer, decode, dispose: () => model.dispose() };
}
