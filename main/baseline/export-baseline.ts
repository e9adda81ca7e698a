// Exports a run's keyword baseline to ONNX: model.onnx, words.txt, labels.json and README.md,
// written to a temporary folder, run back through ONNX Runtime on the same texts as the
// in-app baseline, and moved into place only when the two agree (like every export).
import fs from 'node:fs';
import path from 'node:path';
import { createSession } from '../engine/runtime.ts';
import { FP32_TOLERANCE, VERIFY_EXAMPLES, type Verification } from '../export/verify.ts';
import { getTask } from '../tasks/registry.ts';
import type { ClassificationExample, IntentExample } from '../tasks/types.ts';
import { baselineCard, type BaselineCardInput } from './card.ts';
import { baselineFeeds } from './export-inputs.ts';
import { loadTextClassifier } from './model-file.ts';
import { baselineModelProto, wordVocabulary } from './onnx-graph.ts';
import { asIntent, predictionsFromProbabilities, probabilitiesOf } from './predict.ts';
import { scoreTexts, type TextClassifier } from './text-classifier.ts';
import type { SplitMetrics } from './train-baseline.ts';

export interface BaselineExportOptions {
  task: 'classification' | 'intent';
  /** The run's fitted baseline (runs/ID/baseline). */
  modelDir: string;
  out: string;
  /** Labelled examples of the run (validation) to check the export on; probe texts when empty. */
  validation: readonly unknown[];
  baseline: SplitMetrics;
  bert?: BaselineCardInput['bert'];
}

export interface BaselineExportResult {
  out: string;
  file: string;
  bytes: number;
  files: string[];
  verification: Verification;
}

const PROBES = ['I still have not received my card', 'How do I change my PIN?', 'great movie, loved it', 'play some jazz music', ''];

/** The export cannot be made as asked (target folder); the message says what to change. */
export class BaselineExportError extends Error {
  override readonly name = 'BaselineExportError';
}

function textsOf(task: BaselineExportOptions['task'], examples: readonly unknown[]): string[] {
  return task === 'intent' ? (examples as IntentExample[]).map((e) => e.text) : (examples as ClassificationExample[]).map((e) => e.text);
}

function labelsJson(task: string, m: TextClassifier): string {
  return JSON.stringify({ task, id2label: Object.fromEntries(m.labels.map((l, i) => [String(i), l])), label2id: Object.fromEntries(m.labels.map((l, i) => [l, i])), ...(m.multiLabel ? { multi_label: true } : {}), model: 'keyword-baseline', inputs: ['word_ids', 'char_ids'] }, null, 2) + '\n';
}

/**
 * Runs the exported file in ONNX Runtime on `examples` (or probe texts) and compares its scores
 * and decisions with the in-app baseline's; labelled examples also get both monitored metrics.
 */
async function verify(file: string, m: TextClassifier, vocab: ReadonlyMap<string, number>, task: BaselineExportOptions['task'], examples: readonly unknown[]): Promise<Verification> {
  const labelled = examples.length > 0;
  const texts = labelled ? textsOf(task, examples) : PROBES;
  const session = await createSession(file);
  let got: Float32Array;
  try {
    got = (await session.run(baselineFeeds(texts, vocab), ['scores'])).scores.data as Float32Array;
  } finally {
    await session.release();
  }
  const ref = scoreTexts(m, texts);
  let max = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]) / Math.max(1, Math.abs(ref[i]));
    max = Number.isNaN(d) ? Infinity : Math.max(max, d);
  }
  const c = m.labels.length;
  const inApp = predictionsFromProbabilities(m, probabilitiesOf(ref, c, m.multiLabel));
  const exported = predictionsFromProbabilities(m, probabilitiesOf(Float64Array.from(got), c, m.multiLabel));
  const same = inApp.filter((p, i) => p.labels.join('\n') === exported[i].labels.join('\n')).length;
  const v: Verification = { loadedWith: 'onnxruntime', examples: texts.length, features: texts.length, labelled, maxDifference: max, tolerance: FP32_TOLERANCE, passed: max <= FP32_TOLERANCE, agreement: texts.length ? same / texts.length : 1 };
  if (labelled) {
    const t = getTask(task as string);
    const score = (preds: ReturnType<typeof predictionsFromProbabilities>) => t.metrics(task === 'intent' ? preds.map(asIntent) : preds, examples).metrics[t.monitor];
    const a = score(inApp);
    const b = score(exported);
    v.metrics = { name: t.monitor, inApp: a, exported: b, change: b - a };
  }
  return v;
}

export async function exportBaseline(opts: BaselineExportOptions): Promise<BaselineExportResult> {
  const out = path.resolve(opts.out);
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || (fs.readdirSync(out).length && !fs.existsSync(path.join(out, 'words.txt'))))) throw new BaselineExportError(`${out} already holds other files; choose an empty or new folder for the baseline export.`);
  const m = loadTextClassifier(opts.modelDir);
  const vocabList = wordVocabulary(m.tfidf.words);
  const vocab = new Map(vocabList.map((w, i) => [w, i]));
  const tmp = `${out}.tmp-export`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const file = path.join(tmp, 'model.onnx');
    fs.writeFileSync(file, baselineModelProto(m, { bert_studio_model: 'keyword-baseline', task: opts.task, labels: JSON.stringify(m.labels) }));
    fs.writeFileSync(path.join(tmp, 'words.txt'), vocabList.map((w) => `${w}\n`).join(''));
    fs.writeFileSync(path.join(tmp, 'labels.json'), labelsJson(opts.task, m));
    const verification = await verify(file, m, vocab, opts.task, opts.validation.slice(0, VERIFY_EXAMPLES));
    if (!verification.passed) throw new Error(`The exported baseline does not reproduce the in-app baseline: scores differ by up to ${verification.maxDifference.toExponential(2)} (allowed ${FP32_TOLERANCE}). Nothing was written to ${out}; please report this as a bug.`);
    fs.writeFileSync(path.join(tmp, 'README.md'), baselineCard({ task: opts.task, model: m, words: vocabList.length, baseline: opts.baseline, ...(opts.bert ? { bert: opts.bert } : {}), verification }));
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.renameSync(tmp, out);
    const main = path.join(out, 'model.onnx');
    return { out, file: main, bytes: fs.statSync(main).size, files: fs.readdirSync(out).sort(), verification };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
