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

/**
 * The words NER and slot tagging work on, with their offsets in `text`: whitespace-separated,
 * with punctuation at either end split off one character at a time, the way tagged corpora
 * (CoNLL, ATIS) are tokenized: "(Paris)," → "(", "Paris", ")", ",". Inner punctuation stays
 * ("U.S", "e-mail", "don't").
 */
export function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  const push = (from: number, to: number) => out.push({ text: text.slice(from, to), start: from, end: to });
  for (const m of text.matchAll(/\S+/gu)) {
    let start = m.index;
    let end = m.index + m[0].length;
    const lead: number[] = [];
    const trail: number[] = [];
    // Code points, not UTF-16 units, so an emoji or astral-plane symbol is never cut in half.
    const at = (i: number) => String.fromCodePoint(text.codePointAt(i)!);
    const before = (i: number) => (i >= 2 && /[\uDC00-\uDFFF]/.test(text[i - 1]) ? 2 : 1);
    while (start < end && PUNCT.test(at(start))) {
      lead.push(start);
      start += at(start).length;
    }
    while (end > start && PUNCT.test(text.slice(end - before(end), end))) {
      end -= before(end);
      trail.unshift(end);
    }
    for (const i of lead) push(i, i + at(i).length);
    if (end > start) push(start, end);
    for (const i of trail) push(i, i + at(i).length);
  }
  return out;
}

const PUNCT = /^[\p{P}\p{S}]$/u;

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
