// How a text becomes the units the keyword baseline counts. Written once and used by training,
// in-app prediction and the exported model's preprocessing, so the three cannot drift apart.
// Words: lowercased runs of letters, digits and underscores (punctuation dropped). Character
// n-grams: taken inside each whitespace-separated word padded with one space on each side
// (scikit-learn's `char_wb` idea), so "card?" contributes " c", "ca", …, "d? ".

const WORD = /[\p{L}\p{N}_]+/gu;

/** The text's words, lowercased, in order. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The text's whitespace-separated words, lowercased, each padded with a space on each side. */
export function paddedWordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/u)
    .filter(Boolean)
    .map((w) => ` ${w} `);
}

/**
 * The character stream the exported model reads: the padded words back to back, as Unicode
 * code points (" card?  now "). A character n-gram that crosses two words holds two adjacent
 * spaces or a space inside it, which no in-word n-gram does, so counting vocabulary n-grams
 * over the stream gives exactly the per-word counts.
 */
export function charStreamOf(text: string): number[] {
  const out: number[] = [];
  for (const w of paddedWordsOf(text)) for (const ch of w) out.push(ch.codePointAt(0)!);
  return out;
}
