// Splits batched model outputs back into per-feature rows, and the small numeric helpers every
// decoder needs. Batches may come in any order (the trainer sorts evaluation batches by length),
// so each batch says which features its rows are.
import type { BatchOutputs, ModelOutputs } from './types.ts';

type Field = Exclude<keyof ModelOutputs, 'dims'>;

/**
 * Row `i` of the result is feature i's slice of `field`: `width` values ([C]) or, with
 * `perToken`, S × width values ([S, C], S = that batch's padded length).
 */
export function gatherRows(featureCount: number, batches: readonly BatchOutputs[], field: Field, width: number, perToken: boolean): Float32Array[] {
  const out: Float32Array[] = new Array<Float32Array>(featureCount);
  for (const { rows, outputs } of batches) {
    const data = outputs[field];
    if (!data) throw new Error(`The model returned no ${field}; does the head match the task?`);
    const B = rows.length;
    const S = perToken ? (outputs.dims?.[field]?.[1] ?? data.length / (B * width)) : 1;
    const size = S * width;
    if (!Number.isInteger(S) || data.length !== B * size) {
      throw new Error(`${field} has ${data.length} values, expected ${B} rows × ${perToken ? `${S} tokens × ` : ''}${width}.`);
    }
    rows.forEach((f, b) => {
      out[f] = data.subarray(b * size, (b + 1) * size);
    });
  }
  for (let i = 0; i < featureCount; i++) if (!out[i]) throw new Error(`No model output for feature ${i}.`);
  return out;
}

/** Numerically stable softmax of `x[from, from + n)`. */
export function softmax(x: ArrayLike<number>, from = 0, n = x.length - from): number[] {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[from + i]);
  const e: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.exp(x[from + i] - max);
    e.push(v);
    sum += v;
  }
  return e.map((v) => v / sum);
}

export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Index of the largest of `x[from, from + n)` (first on ties), relative to `from`. */
export function argmax(x: ArrayLike<number>, from = 0, n = x.length - from): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[from + i] > x[from + best]) best = i;
  return best;
}

/** Indices of the k largest values, largest first (ties: lower index first). */
export function topK(x: ArrayLike<number>, k: number, n = x.length): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => x[b] - x[a] || a - b);
  return idx.slice(0, k);
}

/**
 * Word-level tags from per-token logits [S, C]: each word takes the argmax of its first
 * sub-token; words with no token (cut by truncation) get `fallback`.
 */
export function wordTags(tokenLogits: Float32Array, wordIds: readonly (number | null)[], names: readonly string[], wordCount: number, fallback = 'O'): string[] {
  const C = names.length;
  const tags: string[] = new Array<string>(wordCount).fill(fallback);
  const seen = new Set<number>();
  wordIds.forEach((w, t) => {
    if (w === null || seen.has(w) || w >= wordCount) return;
    seen.add(w);
    tags[w] = names[argmax(tokenLogits, t * C, C)];
  });
  return tags;
}

/** Per-token targets: the word's label on its first sub-token, -100 (ignored by the loss) elsewhere. */
export function alignWordLabels(wordIds: readonly (number | null)[], wordLabels: readonly number[]): number[] {
  let prev: number | null = null;
  return wordIds.map((w) => {
    const first = w !== null && w !== prev;
    prev = w;
    return first && w !== null ? (wordLabels[w] ?? -100) : -100;
  });
}
