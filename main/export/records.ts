// Task predictions → what a user sees: one record per input with the prediction and its
// confidence (the "Try it" screen and JSONL output), and the same flattened to CSV columns.
import type { ClassificationPrediction } from '../tasks/classification.ts';
import type { IntentPrediction } from '../tasks/intent.ts';
import type { EntitySpan, NerPrediction } from '../tasks/ner.ts';
import type { QaPrediction } from '../tasks/qa.ts';
import type { TaskName } from '../tasks/types.ts';
import type { Word } from './inputs.ts';

/** An entity with [start, end) character offsets into the input text as given. */
export interface EntityRecord {
  type: string;
  text: string;
  start: number;
  end: number;
  /** Mean over its words of the probability of the tag each word got. */
  score?: number;
}

export type PredictionRecord =
  | { task: 'classification'; prediction: string; labels: string[]; confidence: number; top: { label: string; probability: number }[] }
  | { task: 'ner'; prediction: string; entities: EntityRecord[]; /** Mean over all words of their tag's probability. */ confidence?: number }
  | { task: 'qa'; prediction: string; answer: string; start: number; end: number; score: number | null }
  | { task: 'intent'; prediction: string; confidence: number; topIntent: string; slots?: EntityRecord[] };

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Word-index spans → character spans of the original text (words.join(' ') offsets are not the text's). */
function entitiesIn(text: string, words: readonly Word[], spans: readonly EntitySpan[], wordScores?: readonly number[]): EntityRecord[] {
  return spans.map((e) => {
    const start = words[e.startWord].start;
    const end = words[e.endWord - 1].end;
    const r: EntityRecord = { type: e.type, text: text.slice(start, end), start, end };
    const s = wordScores?.slice(e.startWord, e.endWord).filter((x) => x !== undefined);
    if (s?.length) r.score = mean(s);
    return r;
  });
}

const TOP = 3;

/** `wordScores`: per word, the probability of its tag (NER, intent slots), for entity confidences. */
export function toRecord(task: TaskName, prediction: unknown, text: string, words: readonly Word[], wordScores?: readonly number[]): PredictionRecord {
  switch (task) {
    case 'classification': {
      const p = prediction as ClassificationPrediction;
      // Multi-label: the prediction is every label over the threshold; confidence is the top class's probability.
      return { task, prediction: p.multiLabel ? p.labels.join('|') : p.label, labels: p.labels, confidence: p.probabilities[p.label] ?? 0, top: p.top.slice(0, TOP) };
    }
    case 'ner': {
      const p = prediction as NerPrediction;
      const entities = entitiesIn(text, words, p.entities, wordScores);
      const r: PredictionRecord = { task, prediction: entities.map((e) => `${e.type}: ${e.text}`).join('; '), entities };
      const known = wordScores?.filter((x) => x !== undefined) ?? [];
      if (known.length) r.confidence = mean(known);
      return r;
    }
    case 'qa': {
      const p = prediction as QaPrediction;
      return { task, prediction: p.answer, answer: p.answer, start: p.start, end: p.end, score: p.score };
    }
    case 'intent': {
      const p = prediction as IntentPrediction;
      const r: PredictionRecord = { task, prediction: p.intent, confidence: p.confidence, topIntent: p.topIntent };
      if (p.entities) r.slots = entitiesIn(text, words, p.entities, wordScores);
      return r;
    }
  }
}

/** The CSV columns added for a task (after the input's own columns). */
export function csvColumns(task: TaskName, labels: { slots?: string[] }): string[] {
  switch (task) {
    case 'classification':
      return ['prediction', 'confidence', ...Array.from({ length: TOP }, (_, i) => [`top${i + 1}_label`, `top${i + 1}_probability`]).flat()];
    case 'ner':
      return ['prediction', 'confidence', 'entities'];
    case 'qa':
      return ['prediction', 'answer_start', 'answer_end', 'score'];
    case 'intent':
      return ['prediction', 'confidence', ...((labels.slots ?? []).length ? ['slots'] : [])];
  }
}

/** One CSV row's added cells, in csvColumns order; nested values as JSON. */
export function csvCells(r: PredictionRecord): (string | number)[] {
  switch (r.task) {
    case 'classification':
      return [r.prediction, r.confidence, ...Array.from({ length: TOP }, (_, i) => [r.top[i]?.label ?? '', r.top[i]?.probability ?? '']).flat()];
    case 'ner':
      return [r.prediction, r.confidence ?? '', JSON.stringify(r.entities)];
    case 'qa':
      return [r.prediction, r.start, r.end, r.score ?? ''];
    case 'intent':
      return [r.prediction, r.confidence, ...(r.slots ? [JSON.stringify(r.slots)] : [])];
  }
}
