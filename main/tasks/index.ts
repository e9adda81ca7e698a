// Public surface of main/tasks: import from here.
export type * from './types.ts';
export { TASKS, TASK_NAMES, getTask, isTaskName } from './registry.ts';
export type { TaskModules, TaskTypes } from './registry.ts';
export { classificationTask, DEFAULT_THRESHOLD } from './classification.ts';
export type { ClassificationPrediction } from './classification.ts';
export { nerTask, NER_MODE, spansOf, tagSet } from './ner.ts';
export type { EntitySpan, NerDetails, NerPrediction } from './ner.ts';
export { qaTask, QA_DEFAULTS } from './qa.ts';
export type { QaDetails, QaPrediction, QaSpan } from './qa.ts';
export { intentTask, OUT_OF_SCOPE, isOutOfScope } from './intent.ts';
export type { IntentDetails, IntentPrediction } from './intent.ts';
export { collate } from './collate.ts';
export { classificationScores, rocAuc } from './metrics/classification-metrics.ts';
export type { ClassificationDetails } from './metrics/classification-metrics.ts';
export { entities, seqevalScores } from './metrics/seqeval.ts';
export type { Entity, SeqevalMode, SeqevalResult } from './metrics/seqeval.ts';
export { normalizeAnswer, exactMatch, tokenF1, maxOverGold } from './metrics/squad.ts';
