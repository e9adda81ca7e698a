// Character classes exactly as Hugging Face's Rust `tokenizers` (BertNormalizer,
// BertPreTokenizer) define them, which is what AutoTokenizer uses by default.

const WHITESPACE = /^\p{White_Space}$/u;
/** Unicode "Other" (Cc, Cf, Cs, Co, Cn): Rust's char::is_other. */
const OTHER = /^\p{C}$/u;
const PUNCT = /^\p{P}$/u;
const MARK_NONSPACING = /^\p{Mn}$/u;

export function isWhitespace(ch: string): boolean {
  const cp = ch.charCodeAt(0);
  if (cp < 0x80) return cp === 32 || (cp >= 9 && cp <= 13);
  return WHITESPACE.test(ch);
}

/** Control characters are removed by clean_text; \t \n \r are whitespace, not control. */
export function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return OTHER.test(ch);
}

/** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or Unicode P*. */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return cp >= 0x80 && PUNCT.test(ch);
}

export function isMarkNonspacing(ch: string): boolean {
  return MARK_NONSPACING.test(ch);
}

/** The CJK Unified Ideograph blocks that BERT splits into single characters. */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
