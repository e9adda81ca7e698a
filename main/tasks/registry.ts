// The task registry: name → module. Adding a task = one module + one line here.
import { classificationTask, type ClassificationPrediction } from './classification.ts';
import { intentTask, type IntentPrediction } from './intent.ts';
import { nerTask, type NerPrediction } from './ner.ts';
import { qaTask, type QaPrediction } from './qa.ts';
import type { ClassificationExample, IntentExample, NerExample, QaExample, TaskModule, TaskName } from './types.ts';

/** Example and prediction types of each task. */
export interface TaskTypes {
  classification: { example: ClassificationExample; prediction: ClassificationPrediction };
  ner: { example: NerExample; prediction: NerPrediction };
  qa: { example: QaExample; prediction: QaPrediction };
  intent: { example: IntentExample; prediction: IntentPrediction };
}

export type TaskModules = { [K in TaskName]: TaskModule<TaskTypes[K]['example'], TaskTypes[K]['prediction']> };

export const TASKS: TaskModules = {
  classification: classificationTask,
  ner: nerTask,
  qa: qaTask,
  intent: intentTask,
};

export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(TASKS, name);
}

/** The module for a task name, or an error a user can act on. */
export function getTask<K extends TaskName>(name: K): TaskModules[K];
export function getTask(name: string): TaskModule<unknown, unknown>;
export function getTask(name: string): TaskModule<unknown, unknown> {
  if (!isTaskName(name)) throw new Error(`Unknown task "${name}": choose one of ${TASK_NAMES.join(', ')}.`);
  return TASKS[name] as TaskModule<unknown, unknown>;
}
