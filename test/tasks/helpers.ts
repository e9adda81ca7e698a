// Shared test setup: the parity fixtures' uncased WordPiece tokenizer, and a builder for model
// outputs laid out exactly as the engine returns them (flat, row-major, padded to the batch).
import { readFileSync } from 'node:fs';
import { createWordPieceTokenizer, parseVocabTxt } from '../../main/text/index.ts';
import type { BatchOutputs } from '../../main/tasks/index.ts';
import { BERT_VOCAB_TXT } from '../text/shared-paths.ts';

export const tokenizer = createWordPieceTokenizer({
  vocab: parseVocabTxt(readFileSync(BERT_VOCAB_TXT, 'utf8')),
  lowercase: true,
});

/** One batch: rows[b] = feature index; values[b] = that row's numbers, padded with `pad` to the longest. */
export function batchOf(rows: number[], field: 'logits' | 'startLogits' | 'endLogits' | 'slotLogits', values: number[][], perTokenWidth?: number): BatchOutputs {
  if (perTokenWidth === undefined) return { rows, outputs: { [field]: Float32Array.from(values.flat()) } };
  const S = Math.max(...values.map((v) => v.length / perTokenWidth));
  const data = new Float32Array(rows.length * S * perTokenWidth);
  values.forEach((v, b) => data.set(v, b * S * perTokenWidth));
  return { rows, outputs: { [field]: data, dims: { [field]: perTokenWidth === 1 ? [rows.length, S] : [rows.length, S, perTokenWidth] } } };
}

/** Per-token logits [S, C] that make token t pick class picks[t]. */
export function tokenLogits(picks: number[], C: number): number[] {
  return picks.flatMap((p) => Array.from({ length: C }, (_, c) => (c === p ? 5 : 0)));
}
