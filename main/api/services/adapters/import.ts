/** ImportPort over main/data (previewFile, analyzeImport, importDataset). */
import { analyzeImport, importDataset, previewFile, type ImportOptions, type ImportProgress as DataProgress, type ImportReport as DataReport, type Problem } from '../../../data/index.ts';
import { ApiFailure } from '../../errors.ts';
import type { FilePreview, ImportIssue, ImportReport } from '../../types.ts';
import type { ImportPort, ImportProgress, ImportRequest, JobHooks } from '../core.ts';
import { attachRowSamples } from './samples-of-rows.ts';

const FIXED_FORMATS = new Set(['conll', 'squad', 'folder']);

function issue(p: Problem): ImportIssue {
  return { severity: p.severity, code: p.code, message: p.message, ...(p.file ? { file: p.file } : {}), ...(p.line !== undefined ? { row: p.line } : {}), ...(p.column ? { column: p.column } : {}) };
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(' ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function toReport(r: DataReport): ImportReport {
  const l = r.stats.lengths;
  return {
    ok: r.ok,
    format: [...new Set(r.files.map((f) => f.format))].join('+'),
    encoding: [...new Set(r.files.map((f) => f.encoding))].join('+'),
    errors: r.errors.map(issue),
    warnings: r.warnings.map(issue),
    problemCounts: r.problemCounts,
    notes: r.notes,
    mapping: r.mapping,
    stats: {
      rows: r.stats.rows,
      splits: r.stats.splits,
      labels: r.stats.labels.map(({ label, count }) => ({ label, count })),
      lengths: l.buckets,
      truncatedShare: r.stats.rows ? l.overMaxLength / r.stats.rows : 0,
      multiLabel: r.stats.multiLabel,
    },
  };
}

function options(req: ImportRequest): ImportOptions {
  const mapping = Object.keys(req.mapping).length ? req.mapping : undefined;
  return {
    task: req.task,
    ...(mapping ? { mapping } : {}),
    ...(req.sheet ? { sheet: req.sheet } : {}),
    ...(req.name ? { name: req.name } : {}),
    // 'file' keeps the file's own split column; 'random' makes the seeded stratified split.
    ...(req.splits.mode === 'random' ? { seed: req.splits.seed, ratios: { train: req.splits.train, validation: req.splits.validation, test: req.splits.test } } : {}),
  };
}

function progressHooks(hooks: JobHooks<ImportProgress>, phase: ImportProgress['phase']) {
  return {
    signal: hooks.signal,
    onProgress: (p: DataProgress) => hooks.onProgress({ phase, rows: p.rows, bytesRead: p.bytesRead, bytesTotal: p.totalBytes }),
  };
}

export const importPort: ImportPort = {
  async preview(path, opts) {
    const p = await previewFile(path, opts.sheet ? { sheet: opts.sheet } : {});
    const columns = p.file.columns;
    return {
      path,
      fileName: p.file.file,
      format: p.file.format,
      encoding: p.file.encoding,
      ...(p.file.delimiter ? { delimiter: p.file.delimiter } : {}),
      ...(p.file.sheets ? { sheets: p.file.sheets } : {}),
      columns,
      rows: p.rows.map((r) => columns.map((c) => cell(r.values[c]))),
      guessedTask: p.task,
      guessedMapping: p.mapping,
      fixedMapping: FIXED_FORMATS.has(p.file.format),
      ...(p.problem ? { problem: issue(p.problem) } : {}),
    } satisfies FilePreview;
  },
  async analyze(_store, req, hooks) {
    const report = toReport(await analyzeImport(req.path, options(req), progressHooks(hooks, 'checking')));
    await attachRowSamples(req.path, report.format, report.encoding, [...report.errors, ...report.warnings]);
    return report;
  },
  async commit(store, req, hooks) {
    const r = await importDataset(store, req.path, { ...options(req), project: req.projectId }, progressHooks(hooks, 'reading'));
    const report = toReport(r.report);
    await attachRowSamples(req.path, report.format, report.encoding, [...report.errors, ...report.warnings]);
    if (!r.dataset) throw new ApiFailure('data_error', `The file has ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'} to fix before it can be imported; nothing was stored.`, report.errors.slice(0, 5).map((e) => e.message));
    hooks.onProgress({ phase: 'done', rows: report.stats.rows, bytesRead: 0, bytesTotal: 0 });
    return { datasetId: r.dataset.id, report };
  },
  reportOf(stored) {
    const r = stored as DataReport | undefined;
    return r && Array.isArray(r.errors) && r.stats && Array.isArray(r.files) ? toReport(r) : undefined;
  },
};
