/**
 * Task predictions vs gold → what the Evaluation screen shows: the headline sentence, the
 * per-class table, the confusion matrix and the worst errors. One function per task.
 */
import type { ClassificationPrediction } from '../../../tasks/classification.ts';
import type { IntentPrediction } from '../../../tasks/intent.ts';
import type { NerPrediction } from '../../../tasks/ner.ts';
import type { QaPrediction } from '../../../tasks/qa.ts';
import { classificationScores, type ClassificationDetails } from '../../../tasks/metrics/classification-metrics.ts';
import { entities } from '../../../tasks/metrics/seqeval.ts';
import type { ClassificationExample, ClassScores, IntentExample, NerExample, QaExample, TaskName } from '../../../tasks/types.ts';
import type { EvalExample, Evaluation, Span, SplitName } from '../../types.ts';

export const WORST = 20;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const SPLIT_WORDS: Record<SplitName, string> = { test: 'test', validation: 'validation', train: 'training' };

export interface Scored {
  task: TaskName;
  examples: readonly unknown[];
  predictions: readonly unknown[];
  metrics: Record<string, number>;
  details: unknown;
}

type Summary = Omit<Evaluation, 'runId' | 'split' | 'task' | 'metrics'>;

/** Words joined by single spaces, with each word's [start, end) in that text. */
function joinWords(words: readonly string[]): { text: string; at: [number, number][] } {
  const at: [number, number][] = [];
  let pos = 0;
  for (const w of words) {
    at.push([pos, pos + w.length]);
    pos += w.length + 1;
  }
  return { text: words.join(' '), at };
}

function spansOf(tags: readonly string[], at: [number, number][]): Span[] {
  return entities(tags, 'strict').map((e) => ({ start: at[e.start][0], end: at[e.end - 1][1], label: e.type }));
}

function classRows(rows: readonly ClassScores[]) {
  return rows.map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support }));
}

export function classificationSummary(s: Scored, split: SplitName): Summary & { examples: EvalExample[] } {
  const ex = s.examples as ClassificationExample[];
  const pr = s.predictions as ClassificationPrediction[];
  const d = s.details as ClassificationDetails;
  const all: EvalExample[] = ex.map((e, index) => ({ index, text: e.text, gold: e.labels.join('|'), predicted: pr[index].labels.join('|'), confidence: pr[index].probabilities[pr[index].label] ?? 0 }));
  const acc = s.metrics.accuracy ?? 0;
  return {
    headline: { metric: 'accuracy', value: acc, sentence: `Correct on ${pct(acc)} of the ${ex.length} ${SPLIT_WORDS[split]} examples (macro F1 ${pct(s.metrics.macro_f1 ?? 0)}).` },
    perClass: classRows(d.perClass),
    ...(d.confusion ? { confusion: d.confusion } : {}),
    worst: worstOf(all),
    examples: all,
  };
}

export function intentSummary(s: Scored, split: SplitName): Summary & { examples: EvalExample[] } {
  const ex = s.examples as IntentExample[];
  const pr = s.predictions as IntentPrediction[];
  // Per-intent scores and the confusion matrix come from the same code as classification.
  const scores = classificationScores(ex.map((e) => [e.intent]), pr.map((p) => [p.intent]));
  const all: EvalExample[] = ex.map((e, index) => ({ index, text: e.text, gold: e.intent, predicted: pr[index].intent, confidence: pr[index].confidence }));
  const acc = s.metrics.intent_accuracy ?? 0;
  const slots = s.metrics.slot_f1 !== undefined ? ` Slots are found with an F1 of ${pct(s.metrics.slot_f1)}.` : '';
  return {
    headline: { metric: 'intent_accuracy', value: acc, sentence: `Recognises the right intent for ${pct(acc)} of the ${ex.length} ${SPLIT_WORDS[split]} messages.${slots}` },
    perClass: classRows(scores.details.perClass),
    ...(scores.details.confusion ? { confusion: scores.details.confusion } : {}),
    worst: worstOf(all),
    examples: all,
  };
}

export function nerSummary(s: Scored, split: SplitName): Summary & { examples: EvalExample[] } {
  const ex = s.examples as NerExample[];
  const pr = s.predictions as NerPrediction[];
  const all: EvalExample[] = ex.map((e, index) => {
    const { text, at } = joinWords(e.tokens);
    const wrong = e.tags.filter((t, i) => t !== pr[index].tags[i]).length;
    const goldSpans = spansOf(e.tags, at);
    const predictedSpans = spansOf(pr[index].tags, at);
    const names = (sp: Span[]) => sp.map((x) => `${x.label}: ${text.slice(x.start, x.end)}`).join('; ') || 'none';
    // "Confidence" of a sentence's errors: the share of its words tagged wrong (no probabilities here).
    return { index, text, gold: names(goldSpans), predicted: names(predictedSpans), confidence: e.tags.length ? wrong / e.tags.length : 0, goldSpans, predictedSpans };
  });
  const f1 = s.metrics.entity_f1 ?? 0;
  return {
    headline: {
      metric: 'entity_f1',
      value: f1,
      sentence: `Finds the entities of ${ex.length} ${SPLIT_WORDS[split]} sentences with an F1 of ${pct(f1)} (precision ${pct(s.metrics.entity_precision ?? 0)}, recall ${pct(s.metrics.entity_recall ?? 0)}).`,
    },
    perClass: classRows((s.details as { perType: ClassScores[] }).perType),
    worst: worstOf(all),
    examples: all,
  };
}

export function qaSummary(s: Scored, split: SplitName): Summary & { examples: EvalExample[] } {
  const ex = s.examples as QaExample[];
  const pr = s.predictions as QaPrediction[];
  const all: EvalExample[] = ex.map((e, index) => {
    const p = pr[index];
    const gold = e.answers[0];
    return {
      index,
      text: e.context,
      question: e.question,
      gold: gold ? gold.text : '(no answer)',
      predicted: p.answer || '(no answer)',
      ...(p.score !== null ? { score: p.score } : {}),
      goldSpans: e.answers.map((a) => ({ start: a.start, end: a.start + a.text.length, label: 'gold' })),
      predictedSpans: p.start >= 0 ? [{ start: p.start, end: p.end, label: 'predicted' }] : [],
    };
  });
  const em = s.metrics.exact_match ?? 0;
  const wrong = all.filter((x) => !ex[x.index].answers.some((a) => a.text === pr[x.index].answer));
  return {
    headline: { metric: 'f1', value: s.metrics.f1 ?? 0, sentence: `Finds exactly the right answer for ${pct(em)} of the ${ex.length} ${SPLIT_WORDS[split]} questions (F1 ${pct(s.metrics.f1 ?? 0)}).` },
    perClass: [],
    worst: wrong.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity)).slice(0, WORST),
    examples: all,
  };
}

/** Errors the model was most sure about first: often labelling mistakes in the data. */
function worstOf(all: EvalExample[]): EvalExample[] {
  return all
    .filter((x) => x.gold !== x.predicted)
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
    .slice(0, WORST);
}

export function summarize(s: Scored, split: SplitName): Summary & { examples: EvalExample[] } {
  switch (s.task) {
    case 'classification':
      return classificationSummary(s, split);
    case 'intent':
      return intentSummary(s, split);
    case 'ner':
      return nerSummary(s, split);
    case 'qa':
      return qaSummary(s, split);
  }
}
