import path from 'node:path';
import type { Dataset, Store } from '../store/index.ts';
import { createStaging, ensureProject, insertDatasetFromStaging } from '../store/index.ts';
import { NotUtf8Error } from './encoding.ts';
import { openSource } from './formats.ts';
import { guessMapping, guessTask } from './mapping.ts';
import type { PipelineResult } from './pipeline.ts';
import { runPipeline } from './pipeline.ts';
import { FileProblem } from './problems.ts';
import type { Encoding, FileInfo, ImportHooks, ImportOptions, ImportReport, Problem } from './types.ts';
import type { AnyExample, ColumnMapping, Split, Task } from '../store/types.ts';

/**
 * Runs the pipeline, re-reading a file as Windows-1252 when bytes past the sniffed head turn
 * out not to be UTF-8 (`onRestart` lets the caller drop what it had collected).
 */
async function withEncodingRetry(files: readonly string[], opts: ImportOptions, hooks: ImportHooks, attempt: (encodings: Map<string, Encoding>) => Promise<PipelineResult>): Promise<PipelineResult> {
  const encodings = new Map<string, Encoding>();
  for (;;) {
    try {
      return await attempt(encodings);
    } catch (err) {
      const file = err instanceof NotUtf8Error ? (err as NotUtf8Error & { file?: string }).file : undefined;
      if (file === undefined || encodings.has(file)) throw err;
      encodings.set(file, 'windows-1252');
    }
  }
}

/** The import report for these files, without storing anything. */
export async function analyzeImport(files: string | readonly string[], opts: ImportOptions, hooks: ImportHooks = {}): Promise<ImportReport> {
  const list = typeof files === 'string' ? [files] : files;
  const result = await withEncodingRetry(list, opts, hooks, (enc) => runPipeline(list, opts, hooks, undefined, enc));
  return result.report;
}

/**
 * Reads the examples of small files (a test set to evaluate on, a file to predict for) with
 * the same readers and checks as an import, into memory, storing nothing. `examples` is empty
 * when the report has errors.
 */
export async function readExamples(files: string | readonly string[], opts: ImportOptions, hooks: ImportHooks = {}): Promise<{ report: ImportReport; examples: (AnyExample & { split: Split; sourceLine: number })[] }> {
  const list = typeof files === 'string' ? [files] : files;
  let collected: { sourceLine: number; data: string }[] = [];
  const result = await withEncodingRetry(list, opts, hooks, (enc) => {
    collected = [];
    return runPipeline(list, opts, hooks, (batch) => collected.push(...batch), enc);
  });
  if (!result.report.ok) return { report: result.report, examples: [] };
  const examples = collected.map((c, i) => ({ ...(JSON.parse(c.data) as AnyExample), split: result.splitOf(i), sourceLine: c.sourceLine }));
  return { report: result.report, examples };
}

export interface ImportResult {
  report: ImportReport;
  /** The stored dataset; undefined when the report has errors (then nothing was stored). */
  dataset?: Dataset;
}

/**
 * Validates and stores a dataset. Examples are staged while the files are read; the dataset
 * and all its examples are then written in one transaction, only if the report has no errors.
 * Cancelling (hooks.signal) or a crash at any point leaves the store as it was.
 */
export async function importDataset(store: Store, files: string | readonly string[], opts: ImportOptions & { project: string | number }, hooks: ImportHooks = {}): Promise<ImportResult> {
  const list = typeof files === 'string' ? [files] : files;
  let staging = createStaging(store);
  try {
    let first = true;
    const result = await withEncodingRetry(list, opts, hooks, (enc) => {
      if (!first) {
        staging.discard();
        staging = createStaging(store);
      }
      first = false;
      return runPipeline(list, opts, hooks, (batch) => staging.add(batch), enc);
    });
    const { report } = result;
    if (!report.ok) return { report };
    hooks.signal?.throwIfAborted();
    // The project (when new) and the dataset are created in one transaction (the inner ones
    // become savepoints), so a crash cannot leave an empty project behind either.
    const write = () => {
      const projectId = typeof opts.project === 'number' ? opts.project : ensureProject(store, opts.project).id;
      return insertDatasetFromStaging(
        store,
        {
          projectId,
          name: opts.name ?? path.basename(list[0]).replace(/\.[^.]+$/, ''),
          task: opts.task,
          sourceFiles: report.files.map((f) => f.file),
          format: [...new Set(report.files.map((f) => f.format))].join('+'),
          encoding: [...new Set(report.files.map((f) => f.encoding))].join('+'),
          mapping: report.mapping,
          labels: report.stats.labels.map((l) => l.label).sort(),
          slotLabels: report.stats.slotLabels.map((l) => l.label).sort(),
          multiLabel: report.stats.multiLabel,
          report,
        },
        staging,
        result.splitOf,
      );
    };
    const dataset = store.db.transaction(write).immediate();
    return { report, dataset };
  } finally {
    staging.discard();
  }
}

export interface Preview {
  file: FileInfo;
  /** The first rows as read (values by column), with their line/row numbers. */
  rows: { line: number; values: Record<string, unknown> }[];
  task: Task;
  mapping: ColumnMapping;
  /** Set when the file cannot be read at all (empty, binary, invalid JSON …). */
  problem?: Problem;
}

/** What the import screen shows before the user confirms: detected format, encoding, delimiter, first rows and a guessed mapping. */
export async function previewFile(file: string, opts: { task?: Task; sheet?: string; header?: boolean; delimiter?: string; encoding?: Encoding; mapping?: ColumnMapping; rows?: number } = {}): Promise<Preview> {
  try {
    const source = await openSource(file, opts);
    const task = opts.task ?? (source.info.format === 'squad' ? 'qa' : source.info.format === 'conll' ? 'ner' : guessTask(source.info.columns));
    const mapping = source.fixedMapping ? {} : guessMapping(task, source.info.columns, source.sample.map((r) => r.values), opts.mapping);
    return { file: source.info, rows: source.sample.slice(0, opts.rows ?? 20), task, mapping };
  } catch (err) {
    if (!(err instanceof FileProblem)) throw err;
    return { file: { file: path.basename(file), format: 'csv', encoding: 'utf-8', columns: [], bytes: 0 }, rows: [], task: opts.task ?? 'classification', mapping: {}, problem: err.problem };
  }
}
