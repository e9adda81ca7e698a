// Batch prediction over a file: rows are read as a stream (CSV, XLSX, JSONL through the
// importers' readers; .txt one text per line), predicted in chunks, and written as they come,
// so memory stays flat whatever the file size. The output keeps every input column and adds
// the prediction columns.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { openSource } from '../data/formats.ts';
import type { RawRecord } from '../data/source.ts';
import type { PredictInput } from './inputs.ts';
import { predictWith } from './predict.ts';
import type { Predictor } from './predictor.ts';
import { csvCells, csvColumns, type PredictionRecord } from './records.ts';

export interface PredictFileOptions {
  input: string;
  /** .csv or .jsonl */
  output: string;
  /** The column holding the text (default: a column named text, sentence, utterance …, or the only one). */
  textColumn?: string;
  /** Rows per model call. */
  chunkSize?: number;
}

export interface PredictFileProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export interface PredictFileResult {
  input: string;
  output: string;
  rows: number;
  textColumn: string | null;
  columns: string[];
  /** Rows the reader could not parse (ragged CSV rows …), which are not in the output. */
  skipped: { line?: number; message: string }[];
}

export class PredictInputError extends Error {
  override readonly name = 'PredictInputError';
}

const TEXT_NAMES = ['text', 'sentence', 'utterance', 'query', 'content', 'message', 'body', 'review', 'comment', 'description'];

async function* txtRecords(file: string, onBytes: (n: number) => void): AsyncGenerator<RawRecord> {
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    onBytes(stream.bytesRead);
    if (text.trim() === '') continue;
    yield { line, values: { text: line === 1 ? text.replace(/^\uFEFF/, '') : text } };
  }
}

function pickColumn(columns: readonly string[], wanted: string | undefined, file: string): string {
  if (wanted !== undefined) {
    const hit = columns.find((c) => c === wanted) ?? columns.find((c) => c.toLowerCase() === wanted.toLowerCase());
    if (!hit) throw new PredictInputError(`${file} has no column '${wanted}'; its columns are: ${columns.join(', ')}.`);
    return hit;
  }
  const named = TEXT_NAMES.map((n) => columns.find((c) => c.toLowerCase() === n)).find((c) => c !== undefined);
  if (named) return named;
  if (columns.length === 1) return columns[0];
  throw new PredictInputError(`Which column of ${file} holds the text? Its columns are: ${columns.join(', ')}. Name it with --text-col.`);
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

function csvField(v: unknown): string {
  const s = cellText(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function openWriter(file: string) {
  const stream = fs.createWriteStream(file);
  let failed: Error | undefined;
  stream.on('error', (e) => (failed = e));
  return {
    async write(chunk: string) {
      if (failed) throw failed;
      if (!stream.write(chunk)) await new Promise<void>((resolve, reject) => stream.once('drain', resolve).once('error', reject));
    },
    close: () => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ?? failed ? reject(err ?? failed) : resolve()))),
  };
}

export async function predictFile(p: Predictor, opts: PredictFileOptions, ctl: { onProgress?: (x: PredictFileProgress) => void; signal?: AbortSignal } = {}): Promise<PredictFileResult> {
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);
  const name = path.basename(input);
  if (!fs.existsSync(input)) throw new PredictInputError(`${input} does not exist; check the path.`);
  const outKind = path.extname(output).toLowerCase();
  if (outKind !== '.csv' && outKind !== '.jsonl') throw new PredictInputError(`The output must be a .csv or .jsonl file, not ${path.basename(output)}.`);
  if (output === input) throw new PredictInputError('The output file must not be the input file.');
  const totalBytes = fs.statSync(input).size;
  let bytesRead = 0;
  const skipped: PredictFileResult['skipped'] = [];

  let columns: string[];
  let records: AsyncGenerator<RawRecord>;
  if (path.extname(input).toLowerCase() === '.txt') {
    columns = ['text'];
    records = txtRecords(input, (n) => (bytesRead = n));
  } else {
    const source = await openSource(input, { header: true });
    columns = source.info.columns;
    records = source.records({ signal: ctl.signal, onBytes: (n) => (bytesRead = n), problem: (pr) => skipped.push({ ...(pr.line !== undefined ? { line: pr.line } : {}), message: pr.message }) });
  }
  const qa = p.info.task === 'qa';
  const textColumn = qa ? null : pickColumn(columns, opts.textColumn, name);
  const [question, context] = qa ? [pickColumn(columns, 'question', name), pickColumn(columns, 'context', name)] : [];
  const added = csvColumns(p.info.task, p.info.labels).map((c) => (columns.includes(c) ? `model_${c}` : c));
  const toInput = (r: RawRecord): PredictInput => (qa ? { question: cellText(r.values[question!]), context: cellText(r.values[context!]) } : cellText(r.values[textColumn!]));

  // Written under another name and renamed at the end: a cancelled or failed run leaves no
  // half-written file that looks like a finished one.
  const partial = `${output}.partial`;
  const writer = openWriter(partial);
  let rows = 0;
  let done = false;
  try {
    if (outKind === '.csv') await writer.write([...columns, ...added].map(csvField).join(',') + '\n');
    const flush = async (chunk: RawRecord[]) => {
      const preds = await predictWith(p, chunk.map(toInput), ctl.signal);
      let text = '';
      chunk.forEach((r, i) => {
        if (outKind === '.csv') text += [...columns.map((c) => r.values[c]), ...csvCells(preds[i])].map(csvField).join(',') + '\n';
        else text += JSON.stringify({ ...r.values, ...renamedClashes(withoutTask(preds[i]), r.values) }) + '\n';
      });
      await writer.write(text);
      rows += chunk.length;
      ctl.onProgress?.({ rows, bytesRead, totalBytes });
    };
    let chunk: RawRecord[] = [];
    for await (const r of records) {
      chunk.push(r);
      if (chunk.length >= (opts.chunkSize ?? 256)) {
        await flush(chunk);
        chunk = [];
      }
    }
    if (chunk.length) await flush(chunk);
    done = true;
  } finally {
    await writer.close();
    if (done) fs.renameSync(partial, output);
    else fs.rmSync(partial, { force: true });
  }
  return { input, output, rows, textColumn: textColumn ?? null, columns: [...columns, ...added], skipped };
}

/**
 * The prediction's fields, with `model_` before any name the input row already uses (a gold
 * `labels` or `slots` field), as the CSV output does: the user's own values are never overwritten.
 */
function renamedClashes(fields: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [Object.hasOwn(input, k) ? `model_${k}` : k, v]));
}

function withoutTask(r: PredictionRecord): Omit<PredictionRecord, 'task'> {
  const { task: _task, ...rest } = r;
  return rest;
}
