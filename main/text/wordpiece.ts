// WordPiece (BERT, DistilBERT): BertNormalizer + BertPreTokenizer + greedy longest-match-first
// sub-words with a `##` continuation prefix, exactly as Hugging Face's `tokenizers` does it.
import { bertPreTokenize, normalizeAligned, type BertNormalizerOptions } from './bert-normalizer.ts';
import type { Piece } from './types.ts';

export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  /** Longer words (in normalized characters) become one unknown token (Hugging Face: 100). */
  maxInputCharsPerWord: number;
}

interface SubPiece {
  id: number;
  token: string;
  from: number;
  to: number;
}

export class WordPieceModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly options: WordPieceOptions;
  readonly normalizer: BertNormalizerOptions;
  private readonly unkId: number;
  private readonly cache = new Map<string, SubPiece[] | null>();

  constructor(vocab: ReadonlyMap<string, number>, normalizer: BertNormalizerOptions, options: Partial<WordPieceOptions> = {}) {
    this.vocab = vocab;
    this.normalizer = normalizer;
    this.options = { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100, ...options };
    const unk = vocab.get(this.options.unkToken);
    if (unk === undefined) throw new Error(`The vocabulary has no unknown token "${this.options.unkToken}".`);
    this.unkId = unk;
  }

  /** Tokens of `text`, offsets into `text`, word ids counted from `firstWord`. */
  tokenize(text: string, firstWord = 0): Piece[] {
    const pieces: Piece[] = [];
    const words = bertPreTokenize(normalizeAligned(text, this.normalizer));
    words.forEach((w, k) => {
      const word = firstWord + k;
      const split = this.split(w.chars);
      if (split === null) {
        pieces.push({ id: this.unkId, token: this.options.unkToken, start: w.starts[0], end: w.ends[w.chars.length - 1], word });
        return;
      }
      for (const p of split) pieces.push({ id: p.id, token: p.token, start: w.starts[p.from], end: w.ends[p.to - 1], word });
    });
    return pieces;
  }

  /**
   * Greedy longest-match-first pieces of one normalized word as character ranges [from, to),
   * or null when the word is unknown as a whole (too long, or some part matches nothing).
   * Memoized: running text repeats words a lot.
   */
  private split(chars: readonly string[]): SubPiece[] | null {
    const key = chars.join('');
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const n = chars.length;
    let result: SubPiece[] | null = [];
    if (n > this.options.maxInputCharsPerWord) result = null;
    for (let start = 0; result !== null && start < n; ) {
      let end = n;
      let found: SubPiece | null = null;
      while (start < end) {
        let s = chars.slice(start, end).join('');
        if (start > 0) s = this.options.continuingSubwordPrefix + s;
        const id = this.vocab.get(s);
        if (id !== undefined) {
          found = { id, token: s, from: start, to: end };
          break;
        }
        end--;
      }
      // One unmatched character makes the whole word unknown (not just that part).
      if (!found) result = null;
      else result.push(found);
      start = end;
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  decode(tokens: readonly string[]): string {
    const p = this.options.continuingSubwordPrefix;
    return tokens.map((t, i) => (i > 0 && t.startsWith(p) ? t.slice(p.length) : (i > 0 ? ' ' : '') + t)).join('');
  }
}

/** Reads a vocab.txt: one token a line, id = line number (blank trailing line ignored). */
export function parseVocabTxt(text: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((tok, i) => {
    // Hugging Face keeps the first id of a duplicated line out of its id→token map but uses the
    // last for token→id; duplicates are rare, and the last one wins here too.
    vocab.set(tok, i);
  });
  return vocab;
}
