import path from 'node:path';
import type { ColumnMapping, Split, Task } from '../store/types.ts';
import { SchemeDetector } from './bio.ts';
import type { TagScheme } from './bio.ts';
import { DatasetChecks } from './checks.ts';
import { makeConverter } from './convert.ts';
import { NotUtf8Error } from './encoding.ts';
import { openSource } from './formats.ts';
import { FIELD_OPTION, FIELDS, guessMapping, mappedColumns } from './mapping.ts';
import { FileProblem, ProblemLog } from './problems.ts';
import type { Source } from './source.ts';
import { normalizeSplit, SPLIT_CODES, splitFromName } from './splits.ts';
import { approxTokenCount } from './tokens.ts';
import type { Encoding, FileInfo, ImportHooks, ImportOptions, ImportReport } from './types.ts';
import { buildReport } from './report.ts';

/** What the import pipeline hands a sink for each accepted example, in import order. */
export interface AcceptedExample {
  index: number;
  sourceLine: number;
  data: string;
}

export interface PipelineResult {
  report: ImportReport;
  /** The split of example `index` (valid only when the report has no errors). */
  splitOf: (index: number) => Split;
  count: number;
}

const DEFAULT_MAX_LENGTH: Record<Task, number> = { classification: 128, intent: 64, ner: 128, qa: 384 };

/** Sources that name their own fields cannot be combined with every task. */
function checkFormatFitsTask(s: Source, task: Task): string | undefined {
  const f = s.info.format;
  if (f === 'conll' && task !== 'ner' && task !== 'intent') return `${s.info.file} is a CoNLL file (tokens and tags); import it with --task ner, or --task intent when it has '# intent = …' lines.`;
  if (f === 'squad' && task !== 'qa') return `${s.info.file} is SQuAD question-answering JSON; import it with --task qa.`;
  if (f === 'folder' && task !== 'classification') return `${s.info.file} is a folder of class sub-folders; import it with --task classification.`;
  return undefined;
}

/**
 * Reads every file once: maps columns, converts and validates each row, runs the dataset-level
 * checks and decides splits. Accepted examples go to `sink` (batched) as they are read, so
 * nothing but hashes and counters stays in memory. Returns the report; stores nothing itself.
 */
export async function runPipeline(files: readonly string[], opts: ImportOptions, hooks: ImportHooks, sink?: (batch: AcceptedExample[]) => void, encodings = new Map<string, Encoding>()): Promise<PipelineResult> {
  const log = new ProblemLog(opts.strict === true);
  const task = opts.task;
  const sources: Source[] = [];
  const paths: string[] = []; // paths[i] is the file sources[i] was opened from
  for (const file of files) {
    try {
      paths.push(file);
      sources.push(await openSource(file, { sheet: opts.sheet, header: opts.header, delimiter: opts.delimiter, encoding: encodings.get(file) ?? opts.encoding }));
    } catch (err) {
      paths.pop();
      if (err instanceof FileProblem) log.add(err.problem);
      else throw err;
    }
  }
  const infos: FileInfo[] = sources.map((s, i) => ({ ...s.info, ...(files.length > 1 && splitFromName(s.info.file) ? { split: splitFromName(s.info.file) } : {}), file: s.info.file || path.basename(paths[i]) }));
  for (const s of sources) {
    const bad = checkFormatFitsTask(s, task);
    if (bad) log.add({ severity: 'error', code: 'wrong-task', file: s.info.file, message: bad });
  }

  const tabular = sources.find((s) => !s.fixedMapping);
  const mapping: ColumnMapping = tabular ? guessMapping(task, tabular.info.columns, tabular.sample.map((r) => r.values), opts.mapping) : { ...(opts.mapping ?? {}) };
  for (const s of sources.filter((x) => !x.fixedMapping)) {
    for (const field of FIELDS[task].required) {
      if (task === 'qa' && field !== 'context' && field !== 'question') continue;
      if (mapping[field] === undefined) {
        const opt = FIELD_OPTION[field];
        log.add({ severity: 'error', code: 'unmapped-field', file: s.info.file, message: `Could not tell which column of ${s.info.file} holds the ${field} (columns: ${s.info.columns.join(', ')}).${opt ? ` Name it with ${opt}.` : ' Rename that column.'}` });
      }
    }
    for (const [field, col] of mappedColumns(mapping)) {
      if (!s.info.columns.includes(col)) {
        const opt = FIELD_OPTION[field];
        log.add({ severity: 'error', code: 'unknown-column', file: s.info.file, column: col, message: `${s.info.file} has no column '${col}' (for the ${field}). Its columns are: ${s.info.columns.join(', ')}.${opt ? ` Pass one of them with ${opt}.` : ''}` });
      }
    }
  }

  // Columns the mapping leaves out are ignored; say so, in case one was meant to be used.
  const notes: string[] = [];
  if (tabular) {
    const used = new Set(mappedColumns(mapping).map(([, c]) => c));
    const unused = tabular.info.columns.filter((c) => !used.has(c));
    if (unused.length) notes.push(`Not used: ${unused.map((c) => `'${c}'`).join(', ')} (map ${unused.length === 1 ? 'it' : 'them'} to a field if one holds the text or label).`);
  }

  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH[task];
  const checks = new DatasetChecks(task, maxLength, opts.countTokens ?? approxTokenCount, log);
  let scheme: TagScheme = 'bio';
  const tagField = task === 'ner' ? (mapping.tags ?? 'tags') : task === 'intent' ? mapping.slots : undefined;
  if (tagField !== undefined || task === 'ner') {
    const detector = new SchemeDetector();
    for (const s of sources) for (const r of s.sample) {
      const v = s.fixedMapping ? r.values.tags : r.values[tagField ?? 'tags'];
      if (Array.isArray(v)) detector.add(v.map(String));
      else if (typeof v === 'string') detector.add(v.trim().split(/\s+/));
    }
    scheme = detector.scheme;
  }

  let index = 0;
  let batch: AcceptedExample[] = [];
  const flush = () => {
    if (batch.length && sink) sink(batch);
    batch = [];
  };
  const blocked = log.errorCount > 0;
  for (let f = 0; f < sources.length && !blocked; f++) {
    const s = sources[f];
    const info = infos[f];
    const unit = s.unit;
    checks.setFile({ file: info.file, unit });
    const convert = makeConverter({ task, mapping: s.fixedMapping ? {} : mapping, scheme, file: info.file, unit });
    let rowsInFile = 0;
    let problemsInFile = 0;
    let lastProgress = 0;
    let bytesRead = 0;
    const report = (p: Parameters<Parameters<typeof convert>[1]>[0]) => {
      problemsInFile++;
      log.add({ severity: 'error', file: info.file, ...p });
    };
    try {
      for await (const rec of s.records({ signal: hooks.signal, onBytes: (b) => (bytesRead = b), problem: report })) {
        rowsInFile++;
        const c = convert(rec, report);
        if (!c) continue;
        let split: Split | undefined = info.split ?? (rec.split !== undefined ? normalizeSplit(rec.split) : undefined);
        if (mapping.split !== undefined && !s.fixedMapping) {
          const raw = c.splitValue;
          const named = normalizeSplit(raw);
          if (named) split = named;
          else if (typeof raw === 'string' && raw.trim() !== '') {
            report({ code: 'bad-split', line: rec.line, column: mapping.split, message: `${info.file} ${unit} ${rec.line}, column '${mapping.split}': '${raw}' is not a split. Use train, validation or test, or leave it empty to split automatically.` });
            continue;
          }
        }
        checks.add(c, rec.line, split);
        // Without a sink (analysis only) there is nothing to serialize.
        if (sink) batch.push({ index, sourceLine: rec.line, data: JSON.stringify(c.example) });
        index++;
        if (index % 2000 === 0) {
          flush();
          hooks.signal?.throwIfAborted();
          const t = Date.now();
          if (hooks.onProgress && t - lastProgress > 100) {
            lastProgress = t;
            hooks.onProgress({ file: info.file, bytesRead, totalBytes: info.bytes, rows: index });
          }
        }
      }
    } catch (err) {
      if (err instanceof FileProblem) {
        log.add(err.problem);
        continue;
      }
      if (err instanceof NotUtf8Error) throw Object.assign(err, { file: paths[f] });
      throw err;
    }
    flush();
    hooks.onProgress?.({ file: info.file, bytesRead: info.bytes, totalBytes: info.bytes, rows: index });
    if (rowsInFile === 0 && problemsInFile === 0) {
      log.add({ severity: 'error', code: 'no-rows', file: info.file, message: info.hasHeader ? `${info.file} has a header row but no data rows. Add rows below the header.` : `${info.file} has no data rows. Choose the file that holds your data.` });
    }
  }

  const assigned = checks.assignSplits(opts.ratios ?? { train: 0.8, validation: 0.1, test: 0.1 }, opts.seed ?? 42, opts.validationFromTrain !== false);
  const report = buildReport({ task, infos, mapping, log, checks, assigned, scheme, maxLength, approximate: !opts.countTokens, blocked, notes });
  return { report, splitOf: (i) => SPLIT_CODES[assigned.splitOf(i)], count: index };
}
