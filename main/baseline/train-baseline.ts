// One baseline per task, trained on the run's training split in seconds and scored on the
// same validation and test examples, with the task's own metrics, as the BERT model.
import { getTask } from '../tasks/registry.ts';
import type { ClassificationExample, IntentExample, LabelSet, NerExample, QaExample, TaskName } from '../tasks/types.ts';
import { fitEntityMemory, fitMajorityTags, tagWithMajority } from './ner-memorize.ts';
import { classifyExamples, intentPredictions, intentWords, nerPredictions } from './predict.ts';
import { answerByOverlap } from './qa-overlap.ts';
import { fitTextClassifierAsync, TEXT_CLASSIFIER_DEFAULTS, type TextClassifier } from './text-classifier.ts';
import { minDfFor } from './tfidf.ts';

/**
 * The baseline learns from at most this many training examples (every k-th when there are
 * more): it must take seconds, and a keyword model gains little beyond ~50k texts.
 */
export const MAX_BASELINE_TRAIN = 50_000;

/** Every k-th example, so the sample keeps the data's order and spread. */
export function evenSample<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]);
}

export type BaselineKind = 'tfidf-svm' | 'entity-memory' | 'word-overlap';

/** What each baseline is called where users see it. */
export const BASELINE_NAMES: Record<BaselineKind, string> = {
  'tfidf-svm': 'keyword baseline (TF-IDF + linear SVM)',
  'entity-memory': 'memorization baseline (entities seen in training)',
  'word-overlap': 'word-overlap baseline (sentence and span sharing the most question words)',
};

export interface SplitMetrics {
  validation: Record<string, number>;
  test?: Record<string, number>;
}

export interface BaselineResult {
  kind: BaselineKind;
  seconds: number;
  metrics: SplitMetrics;
  /** NER: the majority-tag line (each word's most frequent training tag). */
  majority?: SplitMetrics;
  /** Classification and intent: the fitted model, exportable to ONNX. */
  classifier?: TextClassifier;
}

export interface BaselineJob {
  task: TaskName;
  train: readonly unknown[];
  validation: readonly unknown[];
  test?: readonly unknown[];
  labels: LabelSet;
}

function splits<E>(job: BaselineJob, predict: (examples: readonly E[]) => unknown[]): SplitMetrics {
  const task = getTask(job.task as string);
  const score = (examples: readonly unknown[]) => task.metrics(predict(examples as readonly E[]), examples).metrics;
  return { validation: score(job.validation), ...(job.test?.length ? { test: score(job.test) } : {}) };
}

function textBaseline(job: BaselineJob, examples: { text: string; labels: string[] }[]): Promise<TextClassifier> {
  if (examples.length === 0) throw new Error('There are no training examples to learn from; import a dataset with a train split.');
  return fitTextClassifierAsync(
    examples.map((e) => e.text),
    examples.map((e) => e.labels),
    job.labels.names,
    job.labels.multiLabel === true,
    { ...TEXT_CLASSIFIER_DEFAULTS, tfidf: { ...TEXT_CLASSIFIER_DEFAULTS.tfidf, minDf: minDfFor(examples.length) } },
  );
}

async function fit(job: BaselineJob): Promise<Omit<BaselineResult, 'seconds'>> {
  switch (job.task) {
    case 'classification': {
      const classifier = await textBaseline(job, (job.train as ClassificationExample[]).map((e) => ({ text: e.text, labels: e.labels })));
      return { kind: 'tfidf-svm', classifier, metrics: splits<ClassificationExample>(job, (ex) => classifyExamples(classifier, ex)) };
    }
    case 'intent': {
      const train = job.train as IntentExample[];
      const classifier = await textBaseline(job, train.map((e) => ({ text: e.text, labels: [e.intent] })));
      const slotted = train.filter((e) => e.slots?.length);
      const slots = job.labels.slots?.length ? fitEntityMemory(slotted.map((e) => ({ words: intentWords(e), tags: e.slots ?? [] }))) : undefined;
      return { kind: 'tfidf-svm', classifier, metrics: splits<IntentExample>(job, (ex) => intentPredictions(classifier, slots, ex)) };
    }
    case 'ner': {
      const sentences = (job.train as NerExample[]).map((e) => ({ words: e.tokens, tags: e.tags }));
      const memory = fitEntityMemory(sentences);
      const majority = fitMajorityTags(sentences);
      return {
        kind: 'entity-memory',
        metrics: splits<NerExample>(job, (ex) => nerPredictions(memory, ex)),
        majority: splits<NerExample>(job, (ex) => ex.map((e) => ({ tags: tagWithMajority(majority, e.tokens), entities: [] }))),
      };
    }
    case 'qa':
      return { kind: 'word-overlap', metrics: splits<QaExample>(job, (ex) => ex.map(answerByOverlap)) };
  }
}

export async function trainBaseline(job: BaselineJob): Promise<BaselineResult> {
  const t0 = performance.now();
  const r = await fit({ ...job, train: evenSample(job.train, MAX_BASELINE_TRAIN) });
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}
