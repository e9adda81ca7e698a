// The check every export passes before it is reported done: the exported artifact, loaded
// back the way a user would load it, runs the same features as the in-app model, and its raw
// outputs and decoded predictions are compared.
import type { BatchOutputs, Feature } from '../tasks/types.ts';
import type { Predictor } from './predictor.ts';

/** fp32 exports must reproduce the in-app outputs to this (absolute, relative above 1). */
export const FP32_TOLERANCE = 1e-4;
/** An int8 export whose monitored metric drops by more than this (1 point) gets a warning. */
export const INT8_METRIC_DROP_WARNING = 0.01;
export const VERIFY_EXAMPLES = 64;
/**
 * int8 is judged by its metric change, and on 64 examples one flipped prediction is already
 * 1.6 points: it is measured on up to this many validation examples instead.
 */
export const INT8_METRIC_EXAMPLES = 1000;

export interface Verification {
  /** What was loaded back and how: 'onnxruntime' or 'engine'. */
  loadedWith: 'onnxruntime' | 'engine';
  examples: number;
  features: number;
  /** Whether the examples carry gold labels (validation data) or are probe texts. */
  labelled: boolean;
  /** Largest |exported − in-app| over all outputs, divided by max(1, |in-app|). */
  maxDifference: number;
  /** null for int8, which is not expected to match to fp32 precision. */
  tolerance: number | null;
  passed: boolean;
  /** Share of examples whose decoded prediction is the same. */
  agreement: number;
  /** The task's metrics of both models on labelled examples. */
  metrics?: { name: string; inApp: number; exported: number; change: number };
}

const FIELDS = ['logits', 'startLogits', 'endLogits', 'slotLogits'] as const;

/** Per feature row and output field, the flat values (batches may order rows differently). */
function rowsOf(outputs: readonly BatchOutputs[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const { rows, outputs: o } of outputs) {
    for (const f of FIELDS) {
      const data = o[f];
      if (!data) continue;
      const width = data.length / rows.length;
      rows.forEach((r, b) => out.set(`${f}:${r}`, data.subarray(b * width, (b + 1) * width)));
    }
  }
  return out;
}

export function maxDifference(reference: readonly BatchOutputs[], candidate: readonly BatchOutputs[]): number {
  const a = rowsOf(reference);
  const b = rowsOf(candidate);
  if (a.size !== b.size) throw new Error(`The exported model returned ${b.size} output rows where the in-app model returned ${a.size}: its outputs do not match the task.`);
  let max = 0;
  for (const [key, ref] of a) {
    const got = b.get(key);
    if (!got || got.length !== ref.length) throw new Error(`The exported model's ${key.split(':')[0]} has a different shape from the in-app model's.`);
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(got[i] - ref[i]) / Math.max(1, Math.abs(ref[i]));
      // NaN must fail the check, and Math.max would propagate it silently as "NaN".
      max = Number.isNaN(d) ? Infinity : Math.max(max, d);
    }
  }
  return max;
}

/** The part of a prediction users act on, for agreement counting. */
function verdict(p: unknown): string {
  const r = p as { label?: string; labels?: string[]; tags?: string[]; answer?: string; intent?: string; slots?: string[] };
  return JSON.stringify([r.labels ?? r.label, r.tags, r.answer, r.intent, r.slots]);
}

/**
 * Runs `examples` through both predictors and compares. `labelled` examples also get the
 * task's metrics (the monitored one is reported). Throws nothing on mismatch: callers decide.
 */
export async function compareModels(inApp: Predictor, exported: Predictor, examples: readonly unknown[], opts: { labelled: boolean; loadedWith: Verification['loadedWith']; fp32: boolean; signal?: AbortSignal }): Promise<Verification> {
  const task = inApp.task;
  const features: Feature[] = task.features(examples, inApp.tokenizer, { maxLength: inApp.info.maxLength, labels: inApp.info.labels, truncation: inApp.info.truncation });
  const ref = await inApp.outputs(features, { signal: opts.signal });
  const got = await exported.outputs(features, { signal: opts.signal });
  const diff = maxDifference(ref, got);
  const predsA = task.decode(examples, features, ref, inApp.decode);
  const predsB = task.decode(examples, features, got, exported.decode);
  const same = predsA.filter((p, i) => verdict(p) === verdict(predsB[i])).length;
  const v: Verification = {
    loadedWith: opts.loadedWith,
    examples: examples.length,
    features: features.length,
    labelled: opts.labelled,
    maxDifference: diff,
    tolerance: opts.fp32 ? FP32_TOLERANCE : null,
    passed: opts.fp32 ? diff <= FP32_TOLERANCE : true,
    agreement: examples.length ? same / examples.length : 1,
  };
  if (opts.labelled && examples.length) {
    const name = task.monitor;
    const a = task.metrics(predsA, examples).metrics[name];
    const b = task.metrics(predsB, examples).metrics[name];
    v.metrics = { name, inApp: a, exported: b, change: b - a };
  }
  return v;
}
