import path from 'node:path';
import { CsvParser, detectDelimiter, parseCsv } from './csv.ts';
import type { CsvRecord } from './csv.ts';
import { readHead, sniffEncoding, textChunks } from './encoding.ts';
import { isKnownColumnName } from './mapping.ts';
import { FileProblem } from './problems.ts';
import type { OpenOptions, RawRecord, ReadContext, Source } from './source.ts';
import { SAMPLE_SIZE } from './source.ts';

const NAME = /^[\p{L}_][\p{L}\p{N}_ .()/#-]{0,40}$/u;

/**
 * A first row is a header when it names known fields (text, label …), or when every cell looks
 * like a column name and is much shorter than the values below it in the longest column.
 */
export function detectHeader(rows: readonly string[][]): boolean {
  const first = rows[0];
  if (!first) return false;
  if (first.some(isKnownColumnName)) return true;
  if (!first.every((c) => NAME.test(c.trim()))) return false;
  if (new Set(first).size !== first.length) return false;
  const rest = rows.slice(1);
  if (rest.length === 0) return false;
  for (let col = 0; col < first.length; col++) {
    const values = rest.map((r) => r[col] ?? '');
    const avg = values.reduce((s, v) => s + v.length, 0) / values.length;
    // A column of long texts whose first cell is a short word: that cell is a name.
    if (avg > 20 && first[col].length * 3 < avg) return true;
    // A numeric column whose first cell is not a number.
    if (values.every((v) => v.trim() !== '' && !Number.isNaN(Number(v)))) return true;
  }
  return false;
}

function label(file: string): string {
  return path.basename(file);
}

export async function openCsv(file: string, opts: OpenOptions): Promise<Source> {
  const name = label(file);
  const sniff = sniffEncoding(file, opts.encoding);
  if (sniff.size === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} is empty (0 bytes). Choose the file that holds your data.` });
  if (sniff.binary) throw new FileProblem({ severity: 'error', code: 'binary-file', file: name, message: `${name} looks like a binary file, not text (it contains NUL bytes). Export your data as CSV, Excel (.xlsx), JSON Lines, CoNLL or SQuAD JSON.` });
  const headBytes = readHead(file, 256 * 1024).subarray(sniff.bomLength);
  const decoder = sniff.encoding === 'utf-16be' ? null : new TextDecoder(sniff.encoding);
  const head = decoder ? decoder.decode(headBytes) : Buffer.from(headBytes.subarray(0, headBytes.length & ~1)).swap16().toString('utf16le');
  const tsvHint = /\.(tsv|tab)$/i.test(file) ? '\t' : undefined;
  const delimiter = opts.delimiter ?? detectDelimiter(head, tsvHint);
  const cut = head.lastIndexOf('\n');
  const sampleRecords = parseCsv(cut > 0 && headBytes.length < sniff.size ? head.slice(0, cut) : head, delimiter).records.slice(0, SAMPLE_SIZE + 1);
  if (sampleRecords.length === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} has no rows (only blank lines). Choose the file that holds your data.` });
  const hasHeader = opts.header ?? detectHeader(sampleRecords.map((r) => r.fields));
  const width = sampleRecords[0].fields.length;
  const columns = hasHeader ? uniqueNames(sampleRecords[0].fields) : Array.from({ length: width }, (_, i) => `column${i + 1}`);
  const toValues = (fields: string[]): Record<string, unknown> => {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) values[columns[i]] = fields[i];
    return values;
  };
  const sample: RawRecord[] = sampleRecords.slice(hasHeader ? 1 : 0, SAMPLE_SIZE + (hasHeader ? 1 : 0)).map((r) => ({ line: r.line, values: toValues(r.fields) }));
  return {
    info: { file: name, format: 'csv', encoding: sniff.encoding, delimiter, hasHeader, columns, bytes: sniff.size },
    sample,
    unit: 'line',
    fixedMapping: false,
    async *records(ctx: ReadContext) {
      const parser = new CsvParser(delimiter);
      let first = true;
      const out: CsvRecord[] = [];
      const emit = function* (records: CsvRecord[]): Generator<RawRecord> {
        for (const r of records) {
          if (first) {
            first = false;
            if (hasHeader) continue;
          }
          if (r.fields.length !== columns.length) {
            // Trailing empty cells (spreadsheet exports) are harmless; anything else is ragged.
            const extraEmpty = r.fields.length > columns.length && r.fields.slice(columns.length).every((f) => f.trim() === '');
            if (!extraEmpty) {
              const d = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
              ctx.problem({
                severity: 'error',
                code: 'ragged-row',
                line: r.line,
                message: `${name} line ${r.line} has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'} but the ${hasHeader ? 'header has' : 'first row has'} ${columns.length}. Quote fields that contain the delimiter (${d}) or line breaks, or fix the row.`,
              });
              continue;
            }
          }
          yield { line: r.line, values: toValues(r.fields) };
        }
      };
      for await (const chunk of textChunks(file, { encoding: sniff.encoding, bomLength: sniff.bomLength, signal: ctx.signal, onBytes: ctx.onBytes })) {
        out.length = 0;
        parser.push(chunk, out);
        yield* emit(out);
      }
      const end = parser.end();
      if (end.unterminatedAt !== undefined) {
        ctx.problem({
          severity: 'error',
          code: 'unterminated-quote',
          line: end.unterminatedAt,
          message: `${name} line ${end.unterminatedAt}: a quoted field starts here and its closing quote is missing, so the rest of the file would be one field. Add the closing quote (") or remove the opening one.`,
        });
        return;
      }
      yield* emit(end.records);
    },
  };
}

/** Header cells made unique and non-empty, so each column has a name to map. */
export function uniqueNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    const base = c.trim() || `column${i + 1}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}_${n + 1}`;
  });
}
