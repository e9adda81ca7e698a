// Which parameters a training run leaves untouched: the embedding tables (freezeEmbeddings)
// and, with freezeLayers = N, also encoder layers 0..N-1 of every family. One predicate used
// by the graphs (no gradient, no AdamW state or update), the memory estimate and the tests.
import type { ModelConfig } from '../models/config.ts';

export interface FreezeOptions {
  /** No gradient or update for the embedding tables and their LayerNorm. */
  freezeEmbeddings?: boolean;
  /** Also the lowest N encoder layers (implies frozen embeddings). 0 or absent: none. */
  freezeLayers?: number;
}

/** Embedding parameters (word/position/type tables and the embedding LayerNorm) of every family. */
export function isEmbeddingParam(name: string): boolean {
  return /(^|\.)embeddings\./.test(name);
}

/** The encoder layer a parameter belongs to: BERT/RoBERTa `encoder.layer.i.`, DistilBERT `transformer.layer.i.`; else undefined. */
export function encoderLayerOf(name: string): number | undefined {
  const m = /(?:^|\.)(?:encoder|transformer)\.layer\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Why `n` cannot be the number of frozen layers of a `layers`-layer encoder, or null when it can. */
export function freezeLayersProblem(n: number, layers: number): string | null {
  // At least one layer must train: with every layer frozen only the head would learn, which
  // is a different (feature-extraction) setup than this option promises.
  if (!Number.isInteger(n) || n < 0 || n > layers - 1) return `The number of frozen layers must be a whole number from 0 to ${layers - 1} (this model has ${layers} encoder layers and one must stay trainable), got ${n}.`;
  return null;
}

/** Throws when `opts` cannot apply to `config`. */
export function checkFreeze(opts: FreezeOptions, config: ModelConfig): void {
  const problem = freezeLayersProblem(opts.freezeLayers ?? 0, config.numLayers);
  if (problem) throw new Error(problem);
}

/** The frozen-parameter predicate of `opts` (false for every name when nothing is frozen). */
export function frozenParams(opts: FreezeOptions): (name: string) => boolean {
  const layers = opts.freezeLayers ?? 0;
  const embeddings = (opts.freezeEmbeddings ?? false) || layers > 0;
  return (name) => {
    if (embeddings && isEmbeddingParam(name)) return true;
    const layer = encoderLayerOf(name);
    return layer !== undefined && layer < layers;
  };
}
