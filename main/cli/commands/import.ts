import path from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_USAGE, UserError } from '../errors.ts';
import { choice, flag, num, str } from '../parse.ts';
import { analyzeImport, importDataset } from '../../data/index.ts';
import type { Encoding, ImportOptions, ImportReport } from '../../data/index.ts';
import type { ColumnMapping, Task } from '../../store/types.ts';
import { TASKS } from '../../store/types.ts';
import { withStore } from './datasets.ts';

const ENCODINGS: readonly Encoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'];

function mappingFrom(args: Parameters<Command['run']>[1], task: Task): ColumnMapping {
  const m: ColumnMapping = {};
  const set = (field: keyof ColumnMapping, option: string) => {
    const v = str(args, option);
    if (v !== undefined) m[field] = v;
  };
  // --text-col and --label-col mean the task's main input and target.
  set(task === 'qa' ? 'context' : task === 'ner' ? 'tokens' : 'text', 'text-col');
  set(task === 'intent' ? 'intent' : task === 'ner' ? 'tags' : task === 'qa' ? 'answer' : 'label', 'label-col');
  set('labelSep', 'label-sep');
  set('split', 'split-col');
  set('slots', 'slots-col');
  set('tokens', 'tokens-col');
  set('context', 'context-col');
  set('question', 'question-col');
  set('answer', 'answer-col');
  set('answerStart', 'answer-start-col');
  return m;
}

/** The human-readable report: counts, labels, notes, then warnings (errors are printed on stderr). */
export function formatReport(report: ImportReport, datasetId: number | null): string {
  const s = report.stats;
  const lines: string[] = [];
  const files = report.files.map((f) => `${f.file} (${f.format}${f.delimiter ? `, delimiter ${f.delimiter === '\t' ? 'tab' : `'${f.delimiter}'`}` : ''}, ${f.encoding})`).join(', ');
  lines.push(datasetId !== null ? `Imported dataset ${datasetId} from ${files}.` : `Checked ${files}.`);
  lines.push(`Rows: ${s.rows} (train ${s.splits.train}, validation ${s.splits.validation}, test ${s.splits.test}).`);
  const mapping = Object.entries(report.mapping).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  if (mapping) lines.push(`Columns: ${mapping}.`);
  if (s.labels.length && report.task !== 'ner') lines.push(`Labels (${s.labels.length}): ${s.labels.slice(0, 12).map((l) => `${l.label} ${l.count}`).join(', ')}${s.labels.length > 12 ? ', …' : ''}`);
  if (report.task === 'ner' || s.slotLabels.length) {
    const tags = report.task === 'ner' ? s.labels : s.slotLabels;
    lines.push(`Tags (${tags.length}): ${tags.slice(0, 12).map((l) => `${l.label} ${l.count}`).join(', ')}${tags.length > 12 ? ', …' : ''}`);
  }
  if (s.answerable) lines.push(`Questions: ${s.answerable.answerable} answerable, ${s.answerable.unanswerable} unanswerable.`);
  lines.push(`Length: mean ${s.lengths.mean}, max ${s.lengths.max} tokens${s.lengths.approximate ? ' (approximate)' : ''}.`);
  for (const n of report.notes) lines.push(`Note: ${n}`);
  // A terminal shows a few of each kind; --json (and the app) carry the full lists.
  const shown = new Map<string, number>();
  for (const w of report.warnings) {
    const n = (shown.get(w.code) ?? 0) + 1;
    shown.set(w.code, n);
    if (n <= 5 && !w.message.startsWith('…')) lines.push(`Warning: ${w.message}`);
  }
  for (const [code, n] of shown) {
    const total = report.problemCounts[code] ?? n;
    if (total > 5) lines.push(`Warning: … ${total - 5} more ${code} warnings (run with --json to see them).`);
  }
  return lines.join('\n');
}

function jsonResult(report: ImportReport, datasetId: number | null) {
  return {
    dataset: datasetId,
    rows: report.stats.rows,
    splits: report.stats.splits,
    labels: report.stats.labels.map((l) => l.label),
    errors: report.errors,
    warnings: report.warnings,
    problemCounts: report.problemCounts,
    notes: report.notes,
    stats: report.stats,
    files: report.files,
    mapping: report.mapping,
  };
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Check a data file (CSV/TSV, XLSX, JSONL/JSON, CoNLL, SQuAD, class folders) and store it as a dataset',
  usage: 'FILE [FILE...] --task T [--project NAME] [--text-col C] [--label-col C] [--label-sep S] [--sheet NAME] [--split-col C]',
  positionals: { min: 1, max: 20 },
  options: [
    { name: 'task', type: 'string', value: 'T', help: `What the model will do: ${TASKS.join(', ')}` },
    { name: 'project', type: 'string', value: 'NAME', help: "Project to add the dataset to, created if missing (default: 'Default')" },
    { name: 'name', type: 'string', value: 'NAME', help: 'Dataset name (default: the first file name)' },
    { name: 'text-col', type: 'string', value: 'C', help: 'Column holding the text (NER: the tokens; QA: the context) (default: guessed)' },
    { name: 'label-col', type: 'string', value: 'C', help: 'Column holding the label (intent: the intent; NER: the tags; QA: the answer) (default: guessed)' },
    { name: 'label-sep', type: 'string', value: 'S', help: "Separator between several labels in one cell: multi-label classification (e.g. ';')" },
    { name: 'slots-col', type: 'string', value: 'C', help: 'Intent: column with one BIO slot tag per word' },
    { name: 'tokens-col', type: 'string', value: 'C', help: 'NER: column with the tokens' },
    { name: 'context-col', type: 'string', value: 'C', help: 'QA: column with the context' },
    { name: 'question-col', type: 'string', value: 'C', help: 'QA: column with the question' },
    { name: 'answer-col', type: 'string', value: 'C', help: 'QA: column with the answer text (empty = unanswerable)' },
    { name: 'answer-start-col', type: 'string', value: 'C', help: 'QA: column with the answer start offset' },
    { name: 'split-col', type: 'string', value: 'C', help: 'Column naming each row\'s split (train, validation, test)' },
    { name: 'sheet', type: 'string', value: 'NAME', help: 'Excel sheet to read (default: the first)' },
    { name: 'delimiter', type: 'string', value: 'D', help: "CSV delimiter (default: detected among , ; tab |); 'tab' for tab" },
    { name: 'no-header', type: 'boolean', help: 'The CSV/XLSX has no header row (default: detected)' },
    { name: 'encoding', type: 'string', value: 'E', help: `Text encoding (default: detected): ${ENCODINGS.join(', ')}` },
    { name: 'max-length', type: 'string', value: 'N', help: 'Max length in tokens, for the truncation estimate' },
    { name: 'seed', type: 'string', value: 'N', help: 'Seed of the automatic train/validation/test split (default 42)' },
    { name: 'dry-run', type: 'boolean', help: 'Only check the data and print the report; store nothing' },
    { name: 'strict', type: 'boolean', help: 'Treat warnings (duplicates, leakage, rare classes …) as errors: store nothing unless there are none' },
  ],
  async run(ctx, args) {
    const task = choice(args, 'task', TASKS);
    if (!task) throw new UserError(`Option --task is required: one of ${TASKS.join(', ')}. Example: bert-studio import tickets.csv --task classification`);
    const delimiter = str(args, 'delimiter');
    const opts: ImportOptions = {
      task,
      mapping: mappingFrom(args, task),
      sheet: str(args, 'sheet'),
      encoding: choice(args, 'encoding', ENCODINGS),
      maxLength: num(args, 'max-length', { min: 8, max: 8192, integer: true }),
      seed: num(args, 'seed', { min: 0, max: 2 ** 31, integer: true }),
      name: str(args, 'name'),
      strict: flag(args, 'strict'),
      ...(delimiter !== undefined ? { delimiter: delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter } : {}),
      ...(flag(args, 'no-header') ? { header: false } : {}),
    };
    if (opts.delimiter !== undefined && opts.delimiter.length !== 1) throw new UserError(`Option --delimiter must be one character (or 'tab'), got '${delimiter}'.`);
    const files = args.positionals.map((f) => path.resolve(f));
    let lastShown = 0;
    const hooks = {
      signal: ctx.signal,
      onProgress: (p: { file: string; bytesRead: number; totalBytes: number; rows: number }) => {
        const t = Date.now();
        if (t - lastShown < 1000) return;
        lastShown = t;
        const pct = p.totalBytes ? ` ${Math.min(100, Math.round((100 * p.bytesRead) / p.totalBytes))}%` : '';
        ctx.out.info(`Reading ${p.file}:${pct}, ${p.rows} rows`);
      },
    };
    let report: ImportReport;
    let datasetId: number | null = null;
    try {
      if (flag(args, 'dry-run')) report = await analyzeImport(files, opts, hooks);
      else {
        const result = await withStore(ctx.home, (store) => importDataset(store, files, { ...opts, project: str(args, 'project') ?? 'Default' }, hooks));
        report = result.report;
        datasetId = result.dataset?.id ?? null;
      }
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw new UserError('Import cancelled; nothing was stored.');
      throw err;
    }
    if (!report.ok) {
      const n = Object.entries(report.problemCounts).reduce((s, [code, c]) => s + (report.errors.some((e) => e.code === code) ? c : 0), 0);
      ctx.out.warn(`bert-studio: The data has ${n} problem${n === 1 ? ' that blocks' : 's that block'} the import; nothing was stored. Fix ${n === 1 ? 'it' : 'them'} and import again.`);
      for (const e of report.errors) ctx.out.warn(`  ${e.message}`);
      ctx.out.result(jsonResult(report, null), () => formatReport(report, null));
      return EXIT_USAGE;
    }
    ctx.out.result(jsonResult(report, datasetId), () => formatReport(report, datasetId));
  },
};
