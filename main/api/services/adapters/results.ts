/** EvaluationPort and PredictPort over a finished run's trained model (main/export predictor, main/tasks). */
import { getRun, loadExamples, type Run, type Store } from '../../../store/index.ts';
import { examplesFor } from '../../../export/inputs.ts';
import { toRecord } from '../../../export/records.ts';
import type { ClassificationPrediction } from '../../../tasks/classification.ts';
import type { TaskName } from '../../../tasks/types.ts';
import { ApiFailure } from '../../errors.ts';
import type { EvalExample, Evaluation, Prediction, SplitName } from '../../types.ts';
import type { EvaluationPort, PredictPort } from '../core.ts';
import { PredictorCache } from './model-of-run.ts';
import { summarize } from './summaries.ts';

const predictors = new PredictorCache();

/**
 * The QA window overlap the run trained with (its stored hyperparameters): evaluation and
 * "Try it" cut long contexts into the same windows as training did. The model folder does not
 * keep it, so it comes from the run.
 */
function strideOf(run: Run): { stride?: number } {
  const stride = (run.config as { hp?: { stride?: unknown } }).hp?.stride;
  return typeof stride === 'number' ? { stride } : {};
}
// The examples behind each evaluation, for confusion-matrix cells (per run and split).
const evaluated = new Map<string, EvalExample[]>();

async function evaluate(store: Store, home: string, runId: number, split: SplitName): Promise<Evaluation> {
  const run = getRun(store, runId);
  if (!run || run.datasetId === null) throw new ApiFailure('not_found', 'This run or its dataset does not exist any more.');
  const examples = loadExamples(store, run.datasetId, split);
  if (examples.length === 0) throw new ApiFailure('not_found', `The dataset has no ${split} examples. Choose another split.`);
  const p = await predictors.get(store, home, runId);
  const features = p.task.features(examples, p.tokenizer, { maxLength: p.info.maxLength, labels: p.info.labels, truncation: p.info.truncation, ...strideOf(run) });
  const outputs = await p.outputs(features);
  const predictions = p.task.decode(examples, features, outputs, p.decode);
  const report = p.task.metrics(predictions, examples);
  const s = summarize({ task: p.info.task, examples, predictions, metrics: report.metrics, details: report.details }, split);
  evaluated.set(`${store.file}:${runId}:${split}`, s.examples);
  // Keep the few most recent evaluations only: a large test split is many examples.
  while (evaluated.size > 4) evaluated.delete(evaluated.keys().next().value as string);
  const { examples: _all, ...summary } = s;
  return { runId, split, task: p.info.task, metrics: report.metrics, ...summary };
}

export const evaluationPort: EvaluationPort = {
  evaluate,
  async cell(store, home, runId, split, gold, predicted, limit) {
    const key = `${store.file}:${runId}:${split}`;
    if (!evaluated.has(key)) await evaluate(store, home, runId, split);
    return (evaluated.get(key) ?? []).filter((x) => x.gold === gold && x.predicted === predicted).slice(0, limit);
  },
};

function toPrediction(task: TaskName, raw: unknown, text: string, words: ReturnType<typeof examplesFor>['words'][number]): Prediction {
  const r = toRecord(task, raw, text, words);
  switch (r.task) {
    case 'classification': {
      const probs = (raw as ClassificationPrediction).probabilities;
      return { task, labels: Object.entries(probs).map(([label, probability]) => ({ label, probability })).sort((a, b) => b.probability - a.probability) };
    }
    case 'intent':
      return { task, labels: [{ label: r.prediction, probability: r.confidence }], spans: (r.slots ?? []).map((e) => ({ start: e.start, end: e.end, label: e.type })) };
    case 'ner':
      return { task, spans: r.entities.map((e) => ({ start: e.start, end: e.end, label: e.type })) };
    case 'qa':
      return { task, answer: r.answer ? { text: r.answer, start: r.start, end: r.end, score: r.score ?? 0 } : null };
  }
}

/** Unloads the model kept for evaluation and prediction. */
export function releaseModels(): Promise<void> {
  evaluated.clear();
  return predictors.dispose();
}

export const predictPort: PredictPort = {
  async predict(store, home, runId, input) {
    const run = getRun(store, runId);
    if (!run) throw new ApiFailure('not_found', 'This run does not exist any more.');
    const p = await predictors.get(store, home, runId);
    const one = p.info.task === 'qa' ? { question: input.question ?? '', context: input.context ?? '' } : (input.text ?? '');
    const { examples, words } = examplesFor(p.info, [one]);
    const features = p.task.features(examples, p.tokenizer, { maxLength: p.info.maxLength, labels: p.info.labels, truncation: p.info.truncation, ...strideOf(run) });
    const raw = p.task.decode(examples, features, await p.outputs(features), p.decode)[0];
    return toPrediction(p.info.task, raw, typeof one === 'string' ? one : one.context, words[0]);
  },
};
