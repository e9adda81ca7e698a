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

export class WordPieceModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly options: WordPieceOptions;
  readonly normalizer: BertNormalizerOptions;
  private readonly unkId: number;

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
      const n = w.chars.length;
      const whole = (): void => {
        pieces.push({ id: this.unkId, token: this.options.unkToken, start: w.starts[0], end: w.ends[n - 1], word });
      };
      if (n > this.options.maxInputCharsPerWord) return whole();
      const sub: Piece[] = [];
      for (let start = 0; start < n; ) {
        let end = n;
        let found: Piece | null = null;
        while (start < end) {
          let s = w.chars.slice(start, end).join('');
          if (start > 0) s = this.options.continuingSubwordPrefix + s;
          const id = this.vocab.get(s);
          if (id !== undefined) {
            found = { id, token: s, start: w.starts[start], end: w.ends[end - 1], word };
            break;
          }
          end--;
        }
        // One unmatched character makes the whole word unknown (not just that part).
        if (!found) return whole();
        sub.push(found);
        start = end;
      }
      pieces.push(...sub);
    });
    return pieces;
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
