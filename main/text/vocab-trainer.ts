// A WordPiece vocabulary for models trained from scratch. The `tokenizers` binding's train()
// takes no trainer options (no vocabulary size), so this is our own, done the way its
// WordPieceTrainer does it: BERT pre-tokenization, an alphabet of characters (word-initial)
// and `##` characters (inside words), then BPE-style merges of the most frequent adjacent pair.
// Ties break on the merged string, so the same texts always give the same vocabulary.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bertPreTokenize, normalizeAligned } from './bert-normalizer.ts';
import { BERT_SPECIAL } from './factory.ts';

export interface TrainVocabOptions {
  /** Target size including special tokens; the alphabet is always kept whole. */
  vocabSize: number;
  lowercase: boolean;
  /** Pairs seen fewer times are never merged (default 2). */
  minFrequency?: number;
}

/** [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, as BERT vocabularies order them. */
export const SPECIAL_ORDER = [BERT_SPECIAL.pad, BERT_SPECIAL.unk, BERT_SPECIAL.cls, BERT_SPECIAL.sep, BERT_SPECIAL.mask];

const PREFIX = '##';

/** Heap entry: a pair with the count it had when pushed (stale entries are skipped). */
interface Entry {
  count: number;
  key: string;
}

const better = (a: Entry, b: Entry): boolean => a.count > b.count || (a.count === b.count && a.key < b.key);

class MaxHeap {
  private readonly h: Entry[] = [];
  get size(): number {
    return this.h.length;
  }
  push(e: Entry): void {
    const h = this.h;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!better(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && better(h[l], h[m])) m = l;
        if (r < h.length && better(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

const SEP = '\u0000';

export function trainWordPieceVocab(texts: Iterable<string>, options: TrainVocabOptions): string[] {
  const minFrequency = options.minFrequency ?? 2;
  const norm = { cleanText: true, handleChineseChars: true, stripAccents: options.lowercase, lowercase: options.lowercase };
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const w of bertPreTokenize(normalizeAligned(text, norm))) {
      const s = w.chars.join('');
      wordCounts.set(s, (wordCounts.get(s) ?? 0) + 1);
    }
  }
  // words[i]: current symbols of distinct word i; counts[i]: its frequency.
  const words: string[][] = [];
  const counts: number[] = [];
  const alphabet = new Set<string>();
  for (const [w, n] of wordCounts) {
    const syms = Array.from(w, (c, i) => (i === 0 ? c : PREFIX + c));
    syms.forEach((s) => alphabet.add(s));
    words.push(syms);
    counts.push(n);
  }
  const vocab = [...SPECIAL_ORDER, ...[...alphabet].sort(byCodePoint)];
  const seen = new Set(vocab);

  const pairCount = new Map<string, number>();
  const where = new Map<string, Set<number>>();
  const heap = new MaxHeap();
  const add = (key: string, wi: number, n: number): void => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + n);
    let s = where.get(key);
    if (!s) where.set(key, (s = new Set()));
    s.add(wi);
  };
  const forPairs = (wi: number, f: (key: string) => void): void => {
    const syms = words[wi];
    for (let i = 0; i + 1 < syms.length; i++) f(syms[i] + SEP + syms[i + 1]);
  };
  words.forEach((_, wi) => forPairs(wi, (k) => add(k, wi, counts[wi])));
  for (const [key, count] of pairCount) heap.push({ count, key });

  while (vocab.length < options.vocabSize && heap.size > 0) {
    const top = heap.pop();
    if (!top) break;
    if (pairCount.get(top.key) !== top.count) continue; // stale
    if (top.count < minFrequency) break;
    const [a, b] = top.key.split(SEP);
    const merged = a + b.slice(PREFIX.length);
    if (!seen.has(merged)) {
      seen.add(merged);
      vocab.push(merged);
    }
    const touched = new Set<string>();
    for (const wi of where.get(top.key) ?? []) {
      const n = counts[wi];
      forPairs(wi, (k) => {
        pairCount.set(k, (pairCount.get(k) ?? 0) - n);
        touched.add(k);
      });
      const syms = words[wi];
      const next: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i] === a && syms[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(syms[i]);
      }
      words[wi] = next;
      forPairs(wi, (k) => {
        add(k, wi, n);
        touched.add(k);
      });
    }
    pairCount.delete(top.key);
    where.delete(top.key);
    for (const k of touched) {
      const c = pairCount.get(k) ?? 0;
      if (c > 0) heap.push({ count: c, key: k });
      else pairCount.delete(k);
    }
  }
  return vocab;
}

function byCodePoint(a: string, b: string): number {
  // Word-initial characters before ## continuations, then by code point: stable across locales.
  const pa = a.startsWith(PREFIX) ? 1 : 0;
  const pb = b.startsWith(PREFIX) ? 1 : 0;
  if (pa !== pb) return pa - pb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes vocab.txt, tokenizer_config.json and special_tokens_map.json: a folder that both
 * loadTokenizer and Hugging Face's AutoTokenizer (BertTokenizer) load.
 */
export async function writeVocab(dir: string, vocab: readonly string[], options: { lowercase: boolean; modelMaxLength?: number }): Promise<void> {
  await mkdir(dir, { recursive: true });
  const specials = { unk_token: BERT_SPECIAL.unk, sep_token: BERT_SPECIAL.sep, pad_token: BERT_SPECIAL.pad, cls_token: BERT_SPECIAL.cls, mask_token: BERT_SPECIAL.mask };
  const config = {
    ...specials,
    do_lower_case: options.lowercase,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: options.modelMaxLength ?? 512,
    tokenizer_class: 'BertTokenizer',
  };
  await writeFile(join(dir, 'vocab.txt'), vocab.join('\n') + '\n', 'utf8');
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n', 'utf8');
  await writeFile(join(dir, 'special_tokens_map.json'), JSON.stringify(specials, null, 2) + '\n', 'utf8');
}
