/**
 * Example lengths in tokens for the estimates: the mean drives the time, the longest the
 * memory (the trainer plans its micro-batch at the longest padded batch, which runs first).
 */
import { iterateExamples, type Dataset, type Store } from '../../store/index.ts';

export interface Lengths {
  meanTokens: number;
  /** Undefined when unknown: the estimate then assumes the max length. */
  longestTokens?: number;
}

/**
 * The import counts words and punctuation marks (main/data/tokens.ts); WordPiece and BPE split
 * rarer words further: ~1.3 tokens per counted word for English, plus [CLS] and [SEP].
 */
const SUBWORDS_PER_WORD = 1.3;
const SPECIAL_TOKENS = 2;
const toTokens = (words: number): number => Math.ceil(words * SUBWORDS_PER_WORD) + SPECIAL_TOKENS;

/** The import report's length summary (stored with the dataset), when it has one. */
function reportLengths(d: Dataset): { mean: number; max: number } | undefined {
  const l = (d.report as { stats?: { lengths?: { mean?: unknown; max?: unknown } } } | null)?.stats?.lengths;
  return typeof l?.mean === 'number' && typeof l.max === 'number' && l.max > 0 ? { mean: l.mean, max: l.max } : undefined;
}

/** Mean words of the first 500 training examples: for datasets stored without a length summary. */
function sampledMeanWords(store: Store, datasetId: number): number | undefined {
  // Reads only the first 500 rows: loading a million-row dataset to average 500 would stall the app.
  let total = 0;
  let n = 0;
  for (const e of iterateExamples(store, datasetId, 'train')) {
    const x = e as { text?: string; tokens?: string[]; context?: string; question?: string };
    if (x.tokens) total += x.tokens.length;
    else if (x.context !== undefined) total += `${x.context} ${x.question ?? ''}`.split(/\s+/).length;
    else total += (x.text ?? '').split(/\s+/).length;
    if (++n === 500) break;
  }
  return n ? total / n : undefined;
}

export function datasetLengths(store: Store, d: Dataset): Lengths {
  const r = reportLengths(d);
  if (r) return { meanTokens: toTokens(r.mean), longestTokens: toTokens(r.max) };
  return { meanTokens: toTokens(sampledMeanWords(store, d.id) ?? 24) };
}
