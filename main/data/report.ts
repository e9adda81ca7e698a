import type { ColumnMapping, Split, Task } from '../store/types.ts';
import type { TagScheme } from './bio.ts';
import type { DatasetChecks } from './checks.ts';
import type { ProblemLog } from './problems.ts';
import { SPLIT_CODES } from './splits.ts';
import type { FileInfo, ImportReport } from './types.ts';

/** Classes with fewer examples than this get a warning: the model will hardly learn them. */
export const MIN_CLASS_EXAMPLES = 5;

interface ReportInput {
  task: Task;
  infos: FileInfo[];
  mapping: ColumnMapping;
  log: ProblemLog;
  checks: DatasetChecks;
  assigned: ReturnType<DatasetChecks['assignSplits']>;
  scheme: TagScheme;
  maxLength: number;
  approximate: boolean;
  /** Rows were not read (the mapping or a file was unusable): no statistics-based warnings. */
  blocked: boolean;
  /** Notes the pipeline already made (unused columns …). */
  notes: string[];
}

function pct(n: number, total: number): string {
  const p = (100 * n) / total;
  return `${p < 0.1 ? p.toFixed(2) : p.toFixed(1)}%`;
}

/** Turns the pipeline's counters into the report: dataset-level warnings, notes and statistics. */
export function buildReport(r: ReportInput): ImportReport {
  const { log, checks, assigned } = r;
  const notes = [...r.notes];
  const total = checks.count;
  const splitOf = assigned.splitOf;
  const splits: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  for (let i = 0; i < total; i++) splits[SPLIT_CODES[splitOf(i)]]++;
  const labels = checks.labels.counts(splitOf);
  const slotLabels = checks.slots.counts(splitOf);

  for (const info of r.infos) {
    if (info.encoding === 'windows-1252') {
      log.add({ severity: 'warning', code: 'encoding', file: info.file, message: `${info.file} is not valid UTF-8, so it was read as Windows-1252. If accented letters look wrong in the preview, save the file as UTF-8 and import it again.` });
    } else if (info.encoding !== 'utf-8') notes.push(`${info.file} was read as ${info.encoding.toUpperCase()}.`);
  }
  if (!r.blocked && total > 0) {
    if (r.scheme === 'iob1') {
      log.add({ severity: 'warning', code: 'iob1-converted', message: `The tags use IOB1 (entities start with I-), so they were converted to BIO (entities start with B-). Check a few sentences in the preview.` });
    }
    if (r.task === 'classification' || r.task === 'intent') {
      for (const l of labels) {
        if (l.count < MIN_CLASS_EXAMPLES) {
          log.add({ severity: 'warning', code: 'rare-class', column: r.mapping.label ?? r.mapping.intent, message: `The ${r.task === 'intent' ? 'intent' : 'class'} '${l.label}' has only ${l.count} example${l.count === 1 ? '' : 's'}; the model will hardly learn it. Add examples (at least ${MIN_CLASS_EXAMPLES}, ideally 50 or more), or merge it into a similar one.` });
        }
      }
    }
    for (const rare of assigned.tooRare) {
      const what = r.task === 'qa' ? 'group' : 'class';
      log.add({ severity: 'warning', code: 'too-rare-to-split', message: `The ${what} '${rare.stratum}' has ${rare.count} example${rare.count === 1 ? '' : 's'}, too few to stratify, so all are in train: validation and test results will not cover it.` });
    }
    const over = checks.lengths.over;
    if (over > 0) {
      const how = r.approximate ? ' (approximate count: words and punctuation; the model\'s tokenizer usually counts more)' : '';
      log.add({ severity: 'warning', code: 'truncation', message: `${pct(over, total)} of the examples (${over}) are longer than the max length of ${r.maxLength} tokens${how} and will be cut. Raise the max length in the training settings, or shorten those texts.` });
    }
    if (assigned.carved) notes.push('The files have no validation split, so 10% of train (stratified, seeded) was set aside as validation.');
    if (assigned.source === 'auto') notes.push('The data has no split column or split files, so it was split 80/10/10 (stratified by label, seeded; identical texts kept together).');
  }
  log.finish();
  const stats = {
    rows: total,
    splits,
    splitSource: assigned.source,
    labels,
    slotLabels,
    multiLabel: checks.multiLabel || r.mapping.labelSep !== undefined,
    lengths: checks.lengths.summary(r.approximate),
    ...(r.task === 'qa' ? { answerable: { answerable: checks.answerable, unanswerable: checks.unanswerable } } : {}),
  };
  return { ok: log.errorCount === 0, task: r.task, files: r.infos, mapping: r.mapping, errors: log.errors, warnings: log.warnings, problemCounts: log.counts, notes, stats };
}
