// Raw inputs (texts, or question + context pairs) → the task's examples, so the task modules'
// own features() and decode() serve prediction exactly as they serve evaluation. Unlabelled
// inputs get placeholder targets (the first label, 'O' tags, no answer): they only feed a loss
// nobody reads.
import type { ClassificationExample, IntentExample, NerExample, QaExample } from '../tasks/types.ts';
import type { StudioModelInfo } from '../train/model-folder.ts';

export type PredictInput = string | { question: string; context: string };

/** A word of the input text and where it is: [start, end) in UTF-16 code units. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/** Whitespace-separated words with their offsets in `text` (NER and slot tagging work on words). */
export function wordsOf(text: string): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

function textOf(input: PredictInput, i: number): string {
  if (typeof input !== 'string') throw new Error(`Input ${i + 1} is a question/context pair, but this model takes a text.`);
  return input;
}

/** Examples of the model's task for `inputs`, in input order, and each input's words. */
export function examplesFor(info: StudioModelInfo, inputs: readonly PredictInput[]): { examples: unknown[]; words: Word[][] } {
  const first = info.labels.names[0] ?? '';
  const words: Word[][] = [];
  const examples = inputs.map((input, i): unknown => {
    switch (info.task) {
      case 'classification':
        words.push([]);
        return { text: textOf(input, i), labels: info.labels.multiLabel ? [] : [first] } satisfies ClassificationExample;
      case 'ner': {
        const w = wordsOf(textOf(input, i));
        words.push(w);
        return { tokens: w.map((x) => x.text), tags: w.map(() => 'O') } satisfies NerExample;
      }
      case 'intent': {
        const text = textOf(input, i);
        const w = wordsOf(text);
        words.push(w);
        return { text, intent: first, tokens: w.map((x) => x.text) } satisfies IntentExample;
      }
      case 'qa': {
        if (typeof input === 'string' || typeof input.question !== 'string' || typeof input.context !== 'string') {
          throw new Error(`Input ${i + 1}: a question-answering model needs a question and a context.`);
        }
        words.push([]);
        return { id: String(i), question: input.question, context: input.context, answers: [] } satisfies QaExample;
      }
    }
  });
  return { examples, words };
}

/** A few everyday sentences of different lengths, for checking an export when no validation data is at hand. */
export const PROBE_TEXTS = [
  'My card has not arrived yet.',
  'What is the exchange rate for euros today?',
  'Hello',
  'I lost my wallet on the train this morning and I think someone has been using my card since then, please block it.',
  'Barack Obama visited Paris in June 2015 with Michelle.',
  'Can you reset the PIN? It is blocked after three wrong tries.',
  'The quick brown fox jumps over the lazy dog near the river bank in New York City.',
  'Why was I charged twice for the same purchase at Amazon last week?',
];

export function probeInputs(info: StudioModelInfo): PredictInput[] {
  if (info.task !== 'qa') return PROBE_TEXTS;
  return PROBE_TEXTS.map((context, i) => ({ question: ['What happened?', 'Who was there?', 'When was it?', 'Where?'][i % 4], context }));
}
