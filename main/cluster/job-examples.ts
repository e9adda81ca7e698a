import type { Store } from '../store/index.ts';
import { loadExamples } from '../store/index.ts';
import type { ClassificationExample, IntentExample, NerExample, QaExample } from '../tasks/types.ts';

/** The tasks train.py repeats (joint intent + slots has no transformers.Trainer counterpart written yet). */
export type JobTask = 'classification' | 'ner' | 'intent' | 'qa';
export type JobExample = ClassificationExample | NerExample | IntentExample | QaExample;
type Split = 'train' | 'validation' | 'test';

/**
 * A character index into `s` in Python's units (code points) rather than JavaScript's (UTF-16
 * code units), so train.py slices contexts where the app does even past an emoji.
 */
export function codePointIndex(s: string, utf16Index: number): number {
  return [...s.slice(0, utf16Index)].length;
}

/** Only the fields train.py reads: no row ids or source lines of the user's files. */
export function loadJobExamples(store: Store, datasetId: number, task: JobTask, split: Split): JobExample[] {
  switch (task) {
    case 'ner':
      return loadExamples<'ner'>(store, datasetId, split).map((r) => ({ tokens: r.tokens, tags: r.tags }));
    case 'intent':
      return loadExamples<'intent'>(store, datasetId, split).map((r) => ({ text: r.text, intent: r.intent, ...(r.tokens ? { tokens: r.tokens } : {}), ...(r.slots ? { slots: r.slots } : {}) }));
    case 'qa':
      return loadExamples<'qa'>(store, datasetId, split).map((r) => ({ id: r.id, context: r.context, question: r.question, answers: r.answers.map((a) => ({ text: a.text, start: a.start })) }));
    case 'classification':
      return loadExamples<'classification'>(store, datasetId, split).map((r) => ({ text: r.text, labels: r.labels }));
  }
}

/** QA rows as train.py reads them: answer starts counted in code points (see codePointIndex). */
export function pythonRows(task: JobTask, rows: readonly JobExample[]): unknown[] {
  if (task !== 'qa') return [...rows];
  return (rows as QaExample[]).map((r) => ({ ...r, answers: r.answers.map((a) => ({ text: a.text, start: codePointIndex(r.context, a.start) })) }));
}
