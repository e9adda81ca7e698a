// Text → the exported baseline's two inputs, exactly as the model card describes them:
// word_ids = ids in words.txt of the text's words (text-units.ts wordsOf; unknown words −1);
// char_ids = the code points of the padded-word stream (charStreamOf). Rows are padded with −1,
// which no n-gram contains, to the batch's longest (at least 1 column).
import type { HostTensor } from '../engine/runtime.ts';
import { charStreamOf, wordsOf } from './text-units.ts';

export const PAD_ID = -1;

function matrix(rows: readonly number[][]): HostTensor {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const data = new BigInt64Array(rows.length * width).fill(BigInt(PAD_ID));
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * width + j] = BigInt(v))));
  return { dtype: 'int64', shape: [rows.length, width], data };
}

export function baselineFeeds(texts: readonly string[], wordIds: ReadonlyMap<string, number>): { word_ids: HostTensor; char_ids: HostTensor } {
  return {
    word_ids: matrix(texts.map((t) => wordsOf(t).map((w) => wordIds.get(w) ?? PAD_ID))),
    char_ids: matrix(texts.map(charStreamOf)),
  };
}
