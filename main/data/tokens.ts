/**
 * Approximate token counts for the truncation warning before a tokenizer is chosen: words and
 * single punctuation marks. Subword tokenizers (WordPiece, BPE) produce more tokens than this,
 * so the report says the count is approximate and a real tokenizer count can be passed in.
 */
const PIECE = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

export function approxTokenCount(text: string): number {
  // ASCII fast path (most rows): a char loop is several times faster than the Unicode regex.
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return unicodeCount(text);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (word) {
      if (!inWord) n++;
      inWord = true;
    } else {
      inWord = false;
      if (c > 32 && c !== 127) n++;
    }
  }
  return n;
}

function unicodeCount(text: string): number {
  let n = 0;
  PIECE.lastIndex = 0;
  while (PIECE.exec(text) !== null) n++;
  return n;
}

/** Histogram bucket edges in tokens: [0,16), [16,32) … [512, ∞). */
export const LENGTH_EDGES = [0, 16, 32, 64, 128, 256, 512] as const;

export class LengthStats {
  readonly counts = new Array<number>(LENGTH_EDGES.length).fill(0);
  private sum = 0;
  private n = 0;
  max = 0;
  over = 0;

  constructor(readonly maxLength: number) {}

  add(tokens: number): void {
    let b = LENGTH_EDGES.length - 1;
    while (b > 0 && tokens < LENGTH_EDGES[b]) b--;
    this.counts[b]++;
    this.sum += tokens;
    this.n++;
    if (tokens > this.max) this.max = tokens;
    if (tokens > this.maxLength) this.over++;
  }

  summary(approximate: boolean) {
    return {
      approximate,
      maxLength: this.maxLength,
      buckets: LENGTH_EDGES.map((from, i) => ({ from, to: LENGTH_EDGES[i + 1] ?? null, count: this.counts[i] })),
      mean: this.n ? Math.round((this.sum / this.n) * 10) / 10 : 0,
      max: this.max,
      overMaxLength: this.over,
    };
  }
}
