import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { FileProblem } from './problems.ts';
import { detectHeader, uniqueNames } from './source-csv.ts';
import type { OpenOptions, RawRecord, ReadContext, Source } from './source.ts';
import { SAMPLE_SIZE } from './source.ts';

/** A cell as text: rich text, formulas (their cached result), hyperlinks and dates flattened. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return '';
  }
  return String(v);
}

interface SheetRow {
  row: number;
  cells: string[];
}

interface WorkbookModel {
  sheets?: { name: string }[];
}

/**
 * Streams the rows of one sheet (by name, else the first) without loading the workbook.
 * `onSheets` receives every sheet name once the workbook index has been read.
 */
async function* sheetRows(file: string, sheet: string | undefined, onSheets: (names: string[]) => void, signal?: AbortSignal): AsyncGenerator<SheetRow> {
  const name = path.basename(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  let found = false;
  const seen: string[] = [];
  try {
    for await (const ws of reader) {
      const names = ((reader as unknown as { model?: WorkbookModel }).model?.sheets ?? []).map((s) => s.name);
      onSheets(names.length ? names : seen);
      const wsName = (ws as unknown as { name: string }).name;
      seen.push(wsName);
      if (found || (sheet !== undefined && wsName !== sheet)) {
        // Read a skipped sheet to its end: ExcelJS deletes the temp file it buffered the sheet in
        // as soon as the loop moves on, and an unread stream then fails to open it (an uncaught
        // ENOENT that surfaced as a flaky test).
        for await (const _row of ws as unknown as AsyncIterable<ExcelJS.Row>) signal?.throwIfAborted();
        continue;
      }
      found = true;
      for await (const row of ws as unknown as AsyncIterable<ExcelJS.Row>) {
        signal?.throwIfAborted();
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { row: row.number, cells };
      }
    }
  } catch (err) {
    if (err instanceof FileProblem || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw new FileProblem({ severity: 'error', code: 'unreadable-xlsx', file: name, message: `${name} could not be read as an Excel workbook (${err instanceof Error ? err.message : String(err)}). Open it in Excel and save it again as .xlsx, or export it as CSV.` });
  } finally {
    // Stopping early (the preview reads only the first rows) must not leave the file open.
    (reader as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
  }
  if (!found) {
    const list = seen.join(', ') || 'none';
    throw new FileProblem({ severity: 'error', code: 'no-such-sheet', file: name, message: sheet === undefined ? `${name} has no sheets with data.` : `${name} has no sheet named '${sheet}'. Its sheets are: ${list}. Pass one of them with --sheet.` });
  }
}

export async function openXlsx(file: string, opts: OpenOptions): Promise<Source> {
  const name = path.basename(file);
  const size = fs.statSync(file).size;
  if (size === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} is empty (0 bytes), not an Excel workbook. Save the spreadsheet again from Excel, or export it as CSV.` });
  let sheets: string[] = [];
  const first: SheetRow[] = [];
  for await (const r of sheetRows(file, opts.sheet, (n) => (sheets = n))) {
    first.push(r);
    if (first.length > SAMPLE_SIZE) break;
  }
  const nonEmpty = first.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (nonEmpty.length === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name}: the sheet '${opts.sheet ?? sheets[0] ?? 'Sheet1'}' is empty. Choose the sheet with your data with --sheet.` });
  const hasHeader = opts.header ?? detectHeader(nonEmpty.map((r) => r.cells));
  const width = Math.max(...nonEmpty.slice(0, 50).map((r) => r.cells.length));
  const headerRow = hasHeader ? nonEmpty[0] : undefined;
  // Made unique as for CSV: two columns both named 'Notes' must not collapse into one value.
  const columns = uniqueNames(Array.from({ length: width }, (_, i) => headerRow?.cells[i] ?? ''));
  const toValues = (cells: string[]) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  const dataRows = (rows: SheetRow[]) => rows.filter((r) => r !== headerRow && r.cells.some((c) => c.trim() !== ''));
  const sheet = opts.sheet ?? sheets[0];
  return {
    info: { file: name, format: 'xlsx', encoding: 'utf-8', hasHeader, sheet, sheets, columns, bytes: size },
    sample: dataRows(first).slice(0, SAMPLE_SIZE).map((r) => ({ line: r.row, values: toValues(r.cells) })),
    unit: 'row',
    fixedMapping: false,
    async *records(ctx: ReadContext): AsyncGenerator<RawRecord> {
      let header = hasHeader;
      for await (const r of sheetRows(file, opts.sheet, () => undefined, ctx.signal)) {
        if (!r.cells.some((c) => c.trim() !== '')) continue;
        if (header) {
          header = false;
          continue;
        }
        if (r.cells.length > columns.length && r.cells.slice(columns.length).some((c) => c.trim() !== '')) {
          ctx.problem({ severity: 'error', code: 'ragged-row', line: r.row, message: `${name} row ${r.row} has values beyond the last named column (${columns.length} columns). Delete them or give the column a header.` });
          continue;
        }
        yield { line: r.row, values: toValues(r.cells) };
      }
    },
  };
}
