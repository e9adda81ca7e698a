import type { EngineModel, HeadSpec } from '../engine/api.ts';
import { collate } from '../tasks/collate.ts';
import type { BatchOutputs, DecodeOptions, Feature, MetricsReport, TaskModule } from '../tasks/types.ts';
import { evaluationBatches } from './batching.ts';

export interface EvaluationResult<P = unknown> {
  /** The task's metrics plus `loss` (mean over rows, dropout off). */
  metrics: Record<string, number>;
  details: unknown;
  predictions: P[];
}

/** Runs the model (dropout off) over pre-built features; batches sorted by length to cut padding. */
export async function predictFeatures(model: EngineModel, features: readonly Feature[], padId: number, head: HeadSpec, batchSize: number, signal?: AbortSignal): Promise<{ outputs: BatchOutputs[]; loss: number | undefined }> {
  const outputs: BatchOutputs[] = [];
  let lossSum = 0;
  let lossRows = 0;
  for (const rows of evaluationBatches(features.map((f) => f.inputIds.length), batchSize)) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const r = await model.forward(collate(rows.map((i) => features[i]), padId, head));
    if (r.loss !== undefined && Number.isFinite(r.loss)) {
      // Batch losses are means over their rows; weighting by rows gives the split's mean.
      lossSum += r.loss * rows.length;
      lossRows += rows.length;
    }
    outputs.push({ rows, outputs: { logits: r.logits, startLogits: r.startLogits, endLogits: r.endLogits, slotLogits: r.slotLogits, dims: r.dims } });
  }
  return { outputs, loss: lossRows ? lossSum / lossRows : undefined };
}

/** Predictions and metrics of `model` on labelled examples. */
export async function evaluateExamples<E, P>(
  model: EngineModel,
  task: TaskModule<E, P>,
  examples: readonly E[],
  features: readonly Feature[],
  opts: { padId: number; head: HeadSpec; batchSize: number; decode: DecodeOptions; signal?: AbortSignal },
): Promise<EvaluationResult<P>> {
  const { outputs, loss } = await predictFeatures(model, features, opts.padId, opts.head, opts.batchSize, opts.signal);
  const predictions = task.decode(examples, features, outputs, opts.decode);
  const report: MetricsReport = task.metrics(predictions, examples);
  return { metrics: { ...report.metrics, ...(loss !== undefined ? { loss } : {}) }, details: report.details, predictions };
}
