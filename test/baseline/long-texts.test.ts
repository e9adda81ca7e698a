// The Settings sentence about long texts, from the import report's length summary.
import { describe, expect, it } from 'vitest';
import { longTextNote, shareOver } from '../../main/api/services/long-texts.ts';
import type { Dataset } from '../../main/store/types.ts';

const dataset = (task: Dataset['task'], over: number, rows: number): Dataset =>
  ({ task, report: { stats: { lengths: { maxLength: 128, overMaxLength: over, buckets: [{ from: 0, to: 128, count: rows - over }, { from: 128, to: 256, count: over }] } } } }) as unknown as Dataset;

describe('long texts on Settings', () => {
  it('says head+tail when more than half the texts are over the max length', () => {
    expect(longTextNote(dataset('classification', 85, 100), 128)).toBe('85 % of the texts are longer than 128 tokens: each will keep its first quarter and its last three quarters of tokens (head+tail truncation), which classifies long documents better than cutting their end.');
    expect(longTextNote(dataset('classification', 50, 100), 128)).toBeUndefined();
    expect(longTextNote(dataset('ner', 85, 100), 128)).toBeUndefined();
  });

  it('goes by whole buckets for another max length', () => {
    expect(shareOver(dataset('classification', 85, 100), 256)).toBe(0);
    expect(shareOver(dataset('classification', 85, 100), 64)).toBe(0.85);
  });
});
