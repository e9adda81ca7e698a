// GPT-2 / RoBERTa byte-level pre-tokenization: the GPT-2 regex split, then every UTF-8 byte
// mapped to a printable character (space → 'Ġ'), each remembering its original character range.

/** byte → printable char, GPT-2's bytes_to_unicode(). */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  return table;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const encoder = new TextEncoder();

/** One pre-token as byte characters; byte i came from original range [starts[i], ends[i]). */
export interface ByteWord {
  chars: string[];
  starts: number[];
  ends: number[];
}

/**
 * Splits `text` with the GPT-2 regex and maps it to byte characters. `prefixSpace` prepends a
 * space aligned to the first character, as add_prefix_space=True does.
 */
export function byteLevelPreTokenize(text: string, prefixSpace: boolean): ByteWord[] {
  const src = prefixSpace && !text.startsWith(' ') ? ' ' + text : text;
  const shift = src.length - text.length;
  const words: ByteWord[] = [];
  for (const m of src.matchAll(GPT2_SPLIT)) {
    const w: ByteWord = { chars: [], starts: [], ends: [] };
    const base = m.index ?? 0;
    for (let i = 0; i < m[0].length; ) {
      const cp = m[0].codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      // Original range in `text`: the added prefix space takes the first character's range.
      const at = base + i - shift;
      const start = at < 0 ? 0 : at;
      const end = at < 0 ? Math.min(text.length, String.fromCodePoint(text.codePointAt(0) ?? 32).length) : at + ch.length;
      for (const byte of encoder.encode(ch)) {
        w.chars.push(BYTE_TO_CHAR[byte]);
        w.starts.push(start);
        w.ends.push(end);
      }
      i += ch.length;
    }
    words.push(w);
  }
  return words;
}

/** Inverse of the byte mapping, for display. */
export function byteCharsToText(s: string): string {
  const bytes: number[] = [];
  for (const c of s) {
    const b = CHAR_TO_BYTE.get(c);
    if (b !== undefined) bytes.push(b);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
