// The Settings screen's sentence about long texts (issue 15): when most classification texts
// are over the max length, the trainer keeps their first and last tokens (main/tasks/head-tail.ts).
import type { Dataset } from '../../store/types.ts';

interface LengthSummary {
  maxLength?: number;
  overMaxLength?: number;
  buckets?: { from: number; to: number | null; count: number }[];
}

/** Share of the dataset's texts longer than `maxLength` tokens, from the import report; undefined when it has no length summary. */
export function shareOver(d: Dataset, maxLength: number): number | undefined {
  const l = (d.report as { stats?: { lengths?: LengthSummary } } | null)?.stats?.lengths;
  if (!l?.buckets?.length) return undefined;
  const rows = l.buckets.reduce((n, b) => n + b.count, 0);
  if (rows === 0) return undefined;
  // The import counted against its own max length exactly; other lengths go by whole buckets.
  const over = l.maxLength === maxLength && typeof l.overMaxLength === 'number' ? l.overMaxLength : l.buckets.filter((b) => b.from >= maxLength).reduce((n, b) => n + b.count, 0);
  return over / rows;
}

export function longTextNote(d: Dataset, maxLength: number): string | undefined {
  if (d.task !== 'classification') return undefined;
  const share = shareOver(d, maxLength);
  if (share === undefined || share <= 0.5) return undefined;
  return `${Math.round(share * 100)} % of the texts are longer than ${maxLength} tokens: each will keep its first quarter and its last three quarters of tokens (head+tail truncation), which classifies long documents better than cutting their end.`;
}
