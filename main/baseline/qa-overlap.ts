// The sliding-window lexical-overlap baseline for extractive QA (Richardson et al. 2013, as
// SQuAD's paper uses it): pick the context sentence sharing the most question words, then in
// it the span of up to MAX_SPAN words, none of them a question word and neither end a function
// word, whose window of WINDOW words on each side holds the most question words. Ties: the
// longer span (answers average a few words: on XQuAD this took F1 from 0.107 to 0.169), then
// the earlier.
// No sentence shares a content word with the question → no answer.
import type { QaExample } from '../tasks/types.ts';
import type { QaPrediction } from '../tasks/qa.ts';

export const MAX_SPAN = 4;
export const WINDOW = 3;

/** Function words that would make every sentence "overlap" with every question. */
const STOPWORDS = new Set('a an the of in on at to for from by with as and or is are was were be been it its this that these those what which who whom whose when where why how did do does has have had not no'.split(' '));

interface Word {
  text: string;
  start: number;
  end: number;
}

function wordsWithOffsets(text: string, from = 0, to = text.length): Word[] {
  const out: Word[] = [];
  for (const m of text.slice(from, to).matchAll(/[\p{L}\p{N}_]+/gu)) out.push({ text: m[0].toLowerCase(), start: from + m.index, end: from + m.index + m[0].length });
  return out;
}

/** [start, end) character ranges of the sentences: cut after . ! ? followed by white space, and at line breaks. */
export function sentenceRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?](?=\s)|\n/gu)) {
    const end = m.index + m[0].length;
    if (text.slice(start, end).trim()) out.push([start, end]);
    start = end;
  }
  if (text.slice(start).trim()) out.push([start, text.length]);
  return out;
}

export function questionWords(question: string): Set<string> {
  return new Set(wordsWithOffsets(question).map((w) => w.text).filter((w) => !STOPWORDS.has(w)));
}

export function answerByOverlap(ex: QaExample): QaPrediction {
  const q = questionWords(ex.question);
  const none: QaPrediction = { id: ex.id, answer: '', start: -1, end: -1, score: null, nullScore: 0, nBest: [] };
  let best: { words: Word[]; overlap: number } | undefined;
  for (const [s, e] of sentenceRanges(ex.context)) {
    const words = wordsWithOffsets(ex.context, s, e);
    const overlap = new Set(words.filter((w) => q.has(w.text)).map((w) => w.text)).size;
    if (!best || overlap > best.overlap) best = { words, overlap };
  }
  if (!best || best.overlap === 0) return none;
  const w = best.words;
  let span: { i: number; len: number; score: number } | undefined;
  for (let i = 0; i < w.length; i++) {
    for (let len = 1; len <= MAX_SPAN && i + len <= w.length; len++) {
      if (q.has(w[i + len - 1].text)) break;
      // "was", "in 1889": answers start and end on content words.
      if (STOPWORDS.has(w[i].text) || STOPWORDS.has(w[i + len - 1].text)) continue;
      const around = [...w.slice(Math.max(0, i - WINDOW), i), ...w.slice(i + len, i + len + WINDOW)];
      const score = new Set(around.filter((x) => q.has(x.text)).map((x) => x.text)).size;
      if (!span || score > span.score || (score === span.score && len > span.len)) span = { i, len, score };
    }
  }
  if (!span) return none;
  const start = w[span.i].start;
  const end = w[span.i + span.len - 1].end;
  const answer = ex.context.slice(start, end);
  return { ...none, answer, start, end, score: span.score, nBest: [{ text: answer, start, end, score: span.score }] };
}
