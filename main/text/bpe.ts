// Byte-level BPE (RoBERTa, GPT-2): merges applied lowest rank first until none applies, as
// Hugging Face's BPE model does; offsets trimmed of the leading 'Ġ' as RobertaProcessing's
// trim_offsets=True does.
import { byteCharsToText, byteLevelPreTokenize } from './byte-level.ts';
import type { Piece } from './types.ts';

export interface BpeOptions {
  unkToken: string | null;
  /** Prepend a space to the text (Hugging Face add_prefix_space; RoBERTa default false). */
  addPrefixSpace: boolean;
  trimOffsets: boolean;
}

interface Symbol {
  text: string;
  /** Index of its first and one past its last byte character in the word. */
  from: number;
  to: number;
}

export class BpeModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly options: BpeOptions;
  /** "a b" → rank (line order of merges.txt). */
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, Symbol[]>();

  constructor(vocab: ReadonlyMap<string, number>, merges: readonly [string, string][], options: Partial<BpeOptions> = {}) {
    this.vocab = vocab;
    this.options = { unkToken: null, addPrefixSpace: false, trimOffsets: true, ...options };
    this.ranks = new Map(merges.map(([a, b], r) => [`${a} ${b}`, r]));
  }

  /** Tokens of `text`; `prefixSpace` overrides addPrefixSpace (encodeWords uses true). */
  tokenize(text: string, prefixSpace = this.options.addPrefixSpace): Piece[] {
    const pieces: Piece[] = [];
    byteLevelPreTokenize(text, prefixSpace).forEach((w, word) => {
      for (const sym of this.merge(w.chars)) {
        let id = this.vocab.get(sym.text);
        let token = sym.text;
        if (id === undefined) {
          const unk = this.options.unkToken === null ? undefined : this.vocab.get(this.options.unkToken);
          if (unk === undefined || this.options.unkToken === null) throw new Error(`Byte-level BPE vocabulary lacks the token "${sym.text}" and has no unknown token.`);
          id = unk;
          token = this.options.unkToken;
        }
        let start = w.starts[sym.from];
        let end = w.ends[sym.to - 1];
        if (this.options.trimOffsets) [start, end] = trim(sym.text, start, end, prefixSpace && word === 0);
        pieces.push({ id, token, start, end, word });
      }
    });
    return pieces;
  }

  private merge(chars: string[]): Symbol[] {
    const key = chars.join('');
    const hit = this.cache.get(key);
    if (hit) return hit;
    let syms: Symbol[] = chars.map((c, i) => ({ text: c, from: i, to: i + 1 }));
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = this.ranks.get(`${syms[i].text} ${syms[i + 1].text}`);
        if (r !== undefined && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) break;
      // Merge every occurrence of the best pair, left to right (GPT-2's bpe()).
      const a = syms[at].text;
      const b = syms[at + 1].text;
      const next: Symbol[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i].text === a && syms[i + 1].text === b) {
          next.push({ text: a + b, from: syms[i].from, to: syms[i + 1].to });
          i++;
        } else next.push(syms[i]);
      }
      syms = next;
    }
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, syms);
    return syms;
  }

  decode(tokens: readonly string[]): string {
    return byteCharsToText(tokens.join(''));
  }
}

/** Hugging Face's byte_level::process_offsets: drop the spaces a token starts or ends with. */
function trim(token: string, start: number, end: number, keepAddedPrefix: boolean): [number, number] {
  let lead = 0;
  while (lead < token.length && token[lead] === 'Ġ') lead++;
  let trail = 0;
  while (trail < token.length && token[token.length - 1 - trail] === 'Ġ') trail++;
  // The space add_prefix_space inserted is kept: it maps onto the first real character.
  if (keepAddedPrefix && start === 0 && lead === 1) lead = 0;
  if (lead > 0) start = Math.min(start + lead, end);
  if (trail > 0 && end >= trail) end = Math.max(end - trail, start);
  return [start, end];
}

/** merges.txt: optional "#version" header, then "a b" per line. */
export function parseMergesTxt(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#version') || line.trim() === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new Error(`merges.txt: expected "a b" on each line, found "${line}".`);
    out.push([parts[0], parts[1]]);
  }
  return out;
}
