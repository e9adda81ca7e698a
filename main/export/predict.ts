// Prediction on raw inputs with any Predictor: inputs → the task's examples → features →
// model → decode → records. The "Try it" screen calls predictTexts; the predict command
// streams files through predictWith chunk by chunk.
import { examplesFor, type PredictInput } from './inputs.ts';
import { folderPredictor, onnxPredictor, type Predictor } from './predictor.ts';
import { toRecord, type PredictionRecord } from './records.ts';

export async function predictWith(p: Predictor, inputs: readonly PredictInput[], signal?: AbortSignal): Promise<PredictionRecord[]> {
  if (inputs.length === 0) return [];
  const { examples, words } = examplesFor(p.info, inputs);
  const features = p.task.features(examples, p.tokenizer, { maxLength: p.info.maxLength, labels: p.info.labels });
  const outputs = await p.outputs(features, { signal });
  const predictions = p.task.decode(examples, features, outputs, p.decode);
  return predictions.map((pred, i) => {
    const input = inputs[i];
    return toRecord(p.info.task, pred, typeof input === 'string' ? input : input.context, words[i]);
  });
}

/**
 * Predictions of a trained model folder (or an exported .onnx file) for a few inputs: texts,
 * or {question, context} pairs for question answering.
 */
export async function predictTexts(modelDir: string, inputs: readonly PredictInput[], signal?: AbortSignal): Promise<PredictionRecord[]> {
  const p = modelDir.endsWith('.onnx') ? await onnxPredictor(modelDir) : await folderPredictor(modelDir);
  try {
    return await predictWith(p, inputs, signal);
  } finally {
    await p.dispose();
  }
}
