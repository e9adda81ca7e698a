// TF-IDF features for the keyword baseline: word 1–2-grams and in-word character 2–5-grams,
// sublinear term frequency (1 + ln tf), smoothed idf (ln((1 + n) / (1 + df)) + 1, as
// scikit-learn computes it), each block L2-normalized on its own and then placed side by side
// (columns [0, words) then [words, words + chars)), like a union of two vectorizers.
import type { Csr } from './sparse.ts';
import { paddedWordsOf, wordsOf } from './text-units.ts';

export interface TfIdfOptions {
  /** Shortest and longest word n-gram. */
  wordNgrams: [number, number];
  /** Shortest and longest character n-gram (inside padded words). */
  charNgrams: [number, number];
  /** N-grams seen in fewer training texts are dropped (they cannot generalize, and they cost memory). */
  minDf: number;
}

export const TFIDF_DEFAULTS: TfIdfOptions = { wordNgrams: [1, 2], charNgrams: [2, 5], minDf: 2 };

/**
 * min_df for `n` training texts: 2 from a few thousand texts on (it halves the vocabulary of
 * banking77 without changing its accuracy), 1 below, where a word seen once may be all there is.
 */
export function minDfFor(n: number): number {
  return n >= 2000 ? 2 : 1;
}

/** One block of the vocabulary: n-grams (word n-grams joined by one space) in column order, grouped by n ascending. */
export interface GramBlock {
  grams: string[];
  /** Length of each gram in units (words or code points). */
  sizes: number[];
  idf: Float64Array;
}

export interface TfIdfModel {
  options: TfIdfOptions;
  words: GramBlock;
  chars: GramBlock;
}

type Emit = (gram: string, n: number) => void;

function wordGrams(text: string, [lo, hi]: [number, number], emit: Emit): void {
  const w = wordsOf(text);
  for (let n = lo; n <= hi; n++) for (let i = 0; i + n <= w.length; i++) emit(n === 1 ? w[i] : w.slice(i, i + n).join(' '), n);
}

// Without the u flag, so it sees the halves of a surrogate pair (an astral character such as an emoji).
const SURROGATE = /[\uD800-\uDFFF]/;

function charGrams(text: string, [lo, hi]: [number, number], emit: Emit): void {
  for (const p of paddedWordsOf(text)) {
    // n counts code points (what the exported model sees); UTF-16 slicing is the fast path when they coincide.
    const units = SURROGATE.test(p) ? Array.from(p) : null;
    const len = units ? units.length : p.length;
    for (let n = lo; n <= hi; n++) for (let i = 0; i + n <= len; i++) emit(units ? units.slice(i, i + n).join('') : p.slice(i, i + n), n);
  }
}

interface FittedBlock {
  block: GramBlock;
  /** Per text, its vocabulary hits as block columns (with repeats): the training matrix comes free. */
  hits: number[][];
}

function fitBlock(texts: readonly string[], grams: (t: string, emit: Emit) => void, minDf: number): FittedBlock {
  // Provisional ids in first-seen order; df counted once per text through lastText.
  const ids = new Map<string, number>();
  const names: string[] = [];
  const sizes: number[] = [];
  const df: number[] = [];
  const lastText: number[] = [];
  const provisional = texts.map((t, r) => {
    const hits: number[] = [];
    grams(t, (g, n) => {
      let id = ids.get(g);
      if (id === undefined) {
        id = names.length;
        ids.set(g, id);
        names.push(g);
        sizes.push(n);
        df.push(0);
        lastText.push(-1);
      }
      if (lastText[id] !== r) {
        lastText[id] = r;
        df[id]++;
      }
      hits.push(id);
    });
    return hits;
  });
  // Grouped by n (the exported TfIdfVectorizer's pool must be), first-seen order within a group.
  const kept = names.map((_, i) => i).filter((i) => df[i] >= minDf);
  kept.sort((a, b) => sizes[a] - sizes[b] || a - b);
  const final = new Int32Array(names.length).fill(-1);
  kept.forEach((id, j) => (final[id] = j));
  const n = texts.length;
  const block = { grams: kept.map((i) => names[i]), sizes: kept.map((i) => sizes[i]), idf: Float64Array.from(kept, (i) => Math.log((1 + n) / (1 + df[i])) + 1) };
  return { block, hits: provisional.map((h) => h.map((id) => final[id]).filter((j) => j >= 0)) };
}

/** Fits the vocabulary and idf on `texts` and returns their matrix too (one pass over the n-grams). */
export function fitTfIdfMatrix(texts: readonly string[], options: TfIdfOptions = TFIDF_DEFAULTS): { model: TfIdfModel; x: Csr } {
  const words = fitBlock(texts, (t, e) => wordGrams(t, options.wordNgrams, e), options.minDf);
  const chars = fitBlock(texts, (t, e) => charGrams(t, options.charNgrams, e), options.minDf);
  const model: TfIdfModel = { options, words: words.block, chars: chars.block };
  return { model, x: buildCsr(model, texts.length, (r, wc, cc) => (wc.push(...words.hits[r]), cc.push(...chars.hits[r]))) };
}

export function fitTfIdf(texts: readonly string[], options: TfIdfOptions = TFIDF_DEFAULTS): TfIdfModel {
  return fitTfIdfMatrix(texts, options).model;
}

export function featureCount(m: TfIdfModel): number {
  return m.words.grams.length + m.chars.grams.length;
}

/**
 * Appends one block of a row: `cols` are the row's vocabulary hits (with repeats); sorted,
 * each run is one column with its term frequency, weighted 1 + ln tf times idf and L2-normalized.
 */
function appendBlock(cols: number[], idf: Float64Array, offset: number, outCol: number[], outVal: number[]): void {
  const sorted = Int32Array.from(cols).sort();
  const start = outVal.length;
  let norm = 0;
  for (let i = 0; i < sorted.length; ) {
    let e = i + 1;
    while (e < sorted.length && sorted[e] === sorted[i]) e++;
    const v = (1 + Math.log(e - i)) * idf[sorted[i]];
    outCol.push(offset + sorted[i]);
    outVal.push(v);
    norm += v * v;
    i = e;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = start; k < outVal.length; k++) outVal[k] *= inv;
}

function buildCsr(m: TfIdfModel, rows: number, hitsOf: (row: number, words: number[], chars: number[]) => void): Csr {
  const rowStart = new Int32Array(rows + 1);
  const col: number[] = [];
  const val: number[] = [];
  const offset = m.words.grams.length;
  for (let r = 0; r < rows; r++) {
    const wc: number[] = [];
    const cc: number[] = [];
    hitsOf(r, wc, cc);
    appendBlock(wc, m.words.idf, 0, col, val);
    appendBlock(cc, m.chars.idf, offset, col, val);
    rowStart[r + 1] = val.length;
  }
  return { rows, cols: featureCount(m), rowStart, col: Int32Array.from(col), val: Float64Array.from(val) };
}

/** A transformer that reuses the gram → column maps across calls. */
export function tfidfTransformer(m: TfIdfModel): (texts: readonly string[]) => Csr {
  const wordIndex = new Map(m.words.grams.map((g, i) => [g, i]));
  const charIndex = new Map(m.chars.grams.map((g, i) => [g, i]));
  return (texts) =>
    buildCsr(m, texts.length, (r, wc, cc) => {
      wordGrams(texts[r], m.options.wordNgrams, (g) => {
        const j = wordIndex.get(g);
        if (j !== undefined) wc.push(j);
      });
      charGrams(texts[r], m.options.charNgrams, (g) => {
        const j = charIndex.get(g);
        if (j !== undefined) cc.push(j);
      });
    });
}
