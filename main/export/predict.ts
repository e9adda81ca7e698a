// Prediction on raw inputs with any Predictor: inputs → the task's examples → features →
// model → decode → records. The "Try it" screen calls predictTexts; the predict command
// streams files through predictWith chunk by chunk.
import fs from 'node:fs';
import path from 'node:path';
import { gatherRows, softmax } from '../tasks/outputs.ts';
import type { BatchOutputs, Feature } from '../tasks/types.ts';
import { examplesFor, type PredictInput } from './inputs.ts';
import { folderPredictor, onnxPredictor, type Predictor } from './predictor.ts';
import { toRecord, type PredictionRecord } from './records.ts';

export async function predictWith(p: Predictor, inputs: readonly PredictInput[], signal?: AbortSignal): Promise<PredictionRecord[]> {
  if (inputs.length === 0) return [];
  const { examples, words } = examplesFor(p.info, inputs);
  const features = p.task.features(examples, p.tokenizer, { maxLength: p.info.maxLength, labels: p.info.labels, truncation: p.info.truncation });
  const outputs = await p.outputs(features, { signal });
  const predictions = p.task.decode(examples, features, outputs, p.decode);
  const scores = tagScores(p, features, outputs, inputs.length);
  return predictions.map((pred, i) => {
    const input = inputs[i];
    return toRecord(p.info.task, pred, typeof input === 'string' ? input : input.context, words[i], scores?.[i]);
  });
}

/**
 * Per word, the softmax probability of the tag it was given (read, as decoding does, at the
 * word's first sub-token): NER tags or intent slots. Entity confidences are built from these.
 */
function tagScores(p: Predictor, features: readonly Feature[], outputs: readonly BatchOutputs[], n: number): number[][] | undefined {
  const tagged = p.info.task === 'ner' ? { field: 'logits' as const, names: p.info.labels.names } : p.info.task === 'intent' && p.info.labels.slots?.length ? { field: 'slotLogits' as const, names: p.info.labels.slots } : undefined;
  if (!tagged) return undefined;
  const C = tagged.names.length;
  const rows = gatherRows(features.length, outputs, tagged.field, C, true);
  const out: number[][] = Array.from({ length: n }, () => []);
  features.forEach((f, i) => {
    f.wordIds.forEach((w, t) => {
      if (w === null || out[f.example][w] !== undefined) return;
      out[f.example][w] = Math.max(...softmax(rows[i], t * C, C));
    });
  });
  return out;
}

// "Try it" predicts on every edit: loading a model (and its ONNX Runtime session) each time
// would cost seconds for BERT-base, so the last model stays loaded until another is asked for
// or its files change (a retrained run replaces its folder).
let cached: { key: string; predictor: Promise<Predictor> } | undefined;

function cacheKey(model: string): string {
  const file = model.endsWith('.onnx') ? model : path.join(model, 'model.safetensors');
  const stat = fs.existsSync(file) ? fs.statSync(file) : undefined;
  return `${path.resolve(model)}|${stat?.ino ?? 0}|${stat?.mtimeMs ?? 0}|${stat?.size ?? 0}`;
}

/** Releases the model predictTexts keeps loaded (on shutdown, or to free memory). */
export async function releasePredictTexts(): Promise<void> {
  const c = cached;
  cached = undefined;
  if (c) await (await c.predictor.catch(() => undefined))?.dispose();
}

/**
 * Predictions of a trained model folder (or an exported .onnx file) for a few inputs: texts,
 * or {question, context} pairs for question answering. The model stays loaded for the next call.
 */
export async function predictTexts(model: string, inputs: readonly PredictInput[], signal?: AbortSignal): Promise<PredictionRecord[]> {
  const key = cacheKey(model);
  if (cached?.key !== key) {
    await releasePredictTexts();
    const predictor = model.endsWith('.onnx') ? onnxPredictor(model) : folderPredictor(model);
    cached = { key, predictor };
    // A model that failed to load is not kept: the next call tries again.
    predictor.catch(() => {
      if (cached?.predictor === predictor) cached = undefined;
    });
  }
  return predictWith(await cached.predictor, inputs, signal);
}
