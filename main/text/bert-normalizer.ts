// Hugging Face's BertNormalizer + BertPreTokenizer with character alignment: every normalized
// character remembers the [start, end) UTF-16 range of the original character it came from,
// so token offsets point into the user's text even after lowercasing and accent stripping.
import { isChineseChar, isControl, isMarkNonspacing, isPunctuation, isWhitespace } from './unicode.ts';

export interface BertNormalizerOptions {
  /** Drop NUL, U+FFFD and control characters; map whitespace to ' '. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. */
  handleChineseChars: boolean;
  /** NFD then drop non-spacing marks (Hugging Face: defaults to `lowercase` when unset). */
  stripAccents: boolean;
  lowercase: boolean;
}

/** A pre-token: normalized code points and, per code point, the original range. */
export interface AlignedWord {
  chars: string[];
  starts: number[];
  ends: number[];
}

interface AlignedChar {
  ch: string;
  start: number;
  end: number;
}

/** Applies the normalizer in Hugging Face's order: clean, CJK, strip accents, lowercase. */
export function normalizeAligned(text: string, opt: BertNormalizerOptions): AlignedChar[] {
  const out: AlignedChar[] = [];
  // A removed character leaves no trace: a token's range runs from its first kept character's
  // start to its last one's end, so "a\u200bb" gives "ab" [0, 3) but "$\ufffd" gives "$" [0, 1),
  // as Hugging Face's alignments do.
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    // ASCII fast path (most text): the same rules without regex tests or NFD.
    if (cp < 0x80) {
      i++;
      if (opt.cleanText && (cp === 0 || ((cp < 32 || cp === 127) && cp !== 9 && cp !== 10 && cp !== 13))) {
        continue;
      }
      const space = cp === 32 || cp === 9 || cp === 10 || cp === 13;
      const ch = opt.lowercase && cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : space && opt.cleanText ? ' ' : text[i - 1];
      out.push({ ch, start: i - 1, end: i });
      continue;
    }
    const ch = String.fromCodePoint(cp);
    const start = i;
    const end = i + ch.length;
    i = end;
    if (opt.cleanText) {
      if (cp === 0 || cp === 0xfffd || isControl(ch)) {
        continue;
      }
      if (isWhitespace(ch)) {
        out.push({ ch: ' ', start, end });
        continue;
      }
    }
    if (opt.handleChineseChars && isChineseChar(cp)) {
      out.push({ ch: ' ', start, end }, { ch, start, end }, { ch: ' ', start, end });
      continue;
    }
    let t = ch;
    if (opt.stripAccents) {
      t = Array.from(t.normalize('NFD'))
        .filter((c) => !isMarkNonspacing(c))
        .join('');
    }
    // Per code point, like Rust's char::to_lowercase (no final-sigma context rule).
    if (opt.lowercase) t = Array.from(t, (c) => c.toLowerCase()).join('');
    if (t.length === 0) continue;
    for (const c of t) out.push({ ch: c, start, end });
  }
  return out;
}

/** BertPreTokenizer: split on whitespace (dropped) and isolate each punctuation character. */
export function bertPreTokenize(chars: readonly AlignedChar[]): AlignedWord[] {
  const words: AlignedWord[] = [];
  let cur: AlignedWord | null = null;
  const flush = (): void => {
    if (cur && cur.chars.length > 0) words.push(cur);
    cur = null;
  };
  for (const c of chars) {
    if (isWhitespace(c.ch)) {
      flush();
    } else if (isPunctuation(c.ch)) {
      flush();
      words.push({ chars: [c.ch], starts: [c.start], ends: [c.end] });
    } else {
      cur ??= { chars: [], starts: [], ends: [] };
      cur.chars.push(c.ch);
      cur.starts.push(c.start);
      cur.ends.push(c.end);
    }
  }
  flush();
  return words;
}
