import path from 'node:path';
import { lines, sniffEncoding, textChunks } from './encoding.ts';
import type { Sniffed } from './encoding.ts';
import { lineColumn, lineCounter, scanJson } from './json-scan.ts';
import { FileProblem } from './problems.ts';
import type { OpenOptions, RawRecord, ReadContext, Source } from './source.ts';
import { SAMPLE_SIZE } from './source.ts';
import { squadRecords } from './squad.ts';

function checkReadable(file: string, sniff: Sniffed): void {
  const name = path.basename(file);
  if (sniff.size === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} is empty (0 bytes). Choose the file that holds your data.` });
  if (sniff.binary) throw new FileProblem({ severity: 'error', code: 'binary-file', file: name, message: `${name} looks like a binary file, not text (it contains NUL bytes). Export your data as CSV, Excel (.xlsx), JSON Lines, CoNLL or SQuAD JSON.` });
}

export async function readAllText(file: string, sniff: Sniffed, ctx?: Pick<ReadContext, 'signal' | 'onBytes'>): Promise<string> {
  const parts: string[] = [];
  for await (const c of textChunks(file, { encoding: sniff.encoding, bomLength: sniff.bomLength, signal: ctx?.signal, onBytes: ctx?.onBytes })) parts.push(c);
  return parts.join('');
}

function columnsOf(records: readonly RawRecord[]): string[] {
  const cols = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.values)) cols.add(k);
  return [...cols];
}

/** JSON Lines: one object per line; a bad line is reported and skipped, the rest still read. */
export async function openJsonl(file: string, opts: OpenOptions): Promise<Source> {
  const name = path.basename(file);
  const sniff = sniffEncoding(file, opts.encoding);
  checkReadable(file, sniff);
  const parseLine = (line: number, text: string, problem?: ReadContext['problem']): RawRecord | undefined => {
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const scan = scanJson(text);
      problem?.({ severity: 'error', code: 'invalid-json', line, message: `${name} line ${line} is not valid JSON (at column ${scan.errorAt + 1}, expected ${scan.expected ?? 'valid JSON'}). Fix or delete that line.` });
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problem?.({ severity: 'error', code: 'not-an-object', line, message: `${name} line ${line} is not a JSON object ({"text": …, "label": …}). Each line must be one object.` });
      return undefined;
    }
    return { line, values: value as Record<string, unknown> };
  };
  const sample: RawRecord[] = [];
  for await (const l of lines(textChunks(file, { encoding: sniff.encoding, bomLength: sniff.bomLength }))) {
    const r = parseLine(l.line, l.text);
    if (r) sample.push(r);
    if (sample.length >= SAMPLE_SIZE || l.line > SAMPLE_SIZE * 5) break;
  }
  return {
    info: { file: name, format: 'jsonl', encoding: sniff.encoding, columns: columnsOf(sample), bytes: sniff.size },
    sample,
    unit: 'line',
    fixedMapping: false,
    async *records(ctx) {
      for await (const l of lines(textChunks(file, { encoding: sniff.encoding, bomLength: sniff.bomLength, signal: ctx.signal, onBytes: ctx.onBytes }))) {
        const r = parseLine(l.line, l.text, ctx.problem);
        if (r) yield r;
      }
    },
  };
}

/**
 * A .json file: an array of objects, or SQuAD ({"data": [...]}). Read whole (JSON has no
 * record boundaries to stream on); invalid JSON is reported with its line and column.
 */
export async function openJson(file: string, opts: OpenOptions): Promise<Source> {
  const name = path.basename(file);
  const sniff = sniffEncoding(file, opts.encoding);
  checkReadable(file, sniff);
  const text = await readAllText(file, sniff);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const scan = scanJson(text);
    const at = scan.errorAt >= 0 ? lineColumn(text, scan.errorAt) : { line: 1, column: 1 };
    if (text.trim() === '') throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} is empty. Choose the file that holds your data.` });
    throw new FileProblem({
      severity: 'error',
      code: 'invalid-json',
      file: name,
      line: at.line,
      message: `${name} is not valid JSON: at line ${at.line}, column ${at.column} the parser expected ${scan.expected ?? 'valid JSON'}. Fix the file there (a missing comma, quote or bracket is typical).`,
    });
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Array.isArray((parsed as { data?: unknown }).data)) {
    const records = squadRecords(parsed as { data: unknown[] }, text, name);
    return {
      info: { file: name, format: 'squad', encoding: sniff.encoding, columns: ['id', 'context', 'question', 'answers'], bytes: sniff.size },
      sample: records.slice(0, SAMPLE_SIZE),
      unit: 'line',
      fixedMapping: true,
      async *records() {
        yield* records;
      },
    };
  }
  if (!Array.isArray(parsed)) {
    throw new FileProblem({ severity: 'error', code: 'unsupported-json', file: name, line: 1, message: `${name} is JSON but neither an array of objects ([{"text": …, "label": …}, …]) nor SQuAD ({"data": […]}). Convert it to one of those, or to JSON Lines.` });
  }
  const starts = scanJson(text).elementStarts;
  const lineOf = lineCounter(text);
  const all: RawRecord[] = [];
  const bad: { line: number }[] = [];
  parsed.forEach((v, i) => {
    const line = lineOf(starts[i] ?? 0);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad.push({ line });
    else all.push({ line, values: v as Record<string, unknown> });
  });
  return {
    info: { file: name, format: 'json', encoding: sniff.encoding, columns: columnsOf(all.slice(0, SAMPLE_SIZE)), bytes: sniff.size },
    sample: all.slice(0, SAMPLE_SIZE),
    unit: 'line',
    fixedMapping: false,
    async *records(ctx) {
      for (const b of bad) ctx.problem({ severity: 'error', code: 'not-an-object', line: b.line, message: `${name} line ${b.line}: this array element is not an object ({"text": …, "label": …}). Make every element an object.` });
      yield* all;
    },
  };
}
