// Head+tail truncation for long texts (Sun et al. 2019, "How to Fine-Tune BERT for Text
// Classification?": keeping the first 128 and the last 382 of 512 tokens beat keeping the head,
// the tail, or pooling chunks). A text longer than the max length keeps its first quarter of
// the room and its last three quarters, between the special tokens; shorter texts are unchanged.
import type { Encoding, Tokenizer } from '../text/index.ts';

export type Truncation = 'head' | 'head-tail';

/** How many content tokens the head keeps out of `room` (the rest comes from the end). */
export function headShare(room: number): number {
  return Math.floor(room / 4);
}

function pick(e: Encoding, keep: readonly number[]): Encoding {
  const at = <T>(xs: readonly T[]): T[] => keep.map((i) => xs[i]);
  return { ids: at(e.ids), tokens: at(e.tokens), tokenTypeIds: at(e.tokenTypeIds), attentionMask: at(e.attentionMask), offsets: at(e.offsets), wordIds: at(e.wordIds), sequenceIds: at(e.sequenceIds), specialTokensMask: at(e.specialTokensMask) };
}

/** `[CLS] text [SEP]` within maxLength, cut in the middle when too long. */
export function encodeHeadTail(tokenizer: Tokenizer, text: string, maxLength: number): Encoding {
  const full = tokenizer.encode(text);
  const n = full.ids.length;
  if (n <= maxLength) return full;
  // One special token at each end ([CLS] … [SEP], <s> … </s>) stays where it is.
  const room = maxLength - 2;
  const head = headShare(room);
  const tail = room - head;
  const keep = [0, ...Array.from({ length: head }, (_, i) => 1 + i), ...Array.from({ length: tail }, (_, i) => n - 1 - tail + i), n - 1];
  return pick(full, keep);
}

/**
 * The truncation a classification run gets unless the user chose: head+tail when most training
 * texts (more than half) are longer than the max length, else the plain cut at the end.
 */
export function defaultTruncation(tokenizer: Tokenizer, texts: readonly string[], maxLength: number): Truncation {
  // Counting pieces is enough (no ids to build); a sample keeps this cheap on big datasets.
  const sample = texts.length > 2000 ? texts.filter((_, i) => i % Math.ceil(texts.length / 2000) === 0) : texts;
  const long = sample.filter((t) => tokenizer.tokenize(t).length + 2 > maxLength).length;
  return long * 2 > sample.length ? 'head-tail' : 'head';
}
