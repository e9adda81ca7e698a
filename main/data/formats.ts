import fs from 'node:fs';
import path from 'node:path';
import { readHead } from './encoding.ts';
import { FileProblem } from './problems.ts';
import type { OpenOptions, Source } from './source.ts';
import { openConll } from './source-conll.ts';
import { openCsv } from './source-csv.ts';
import { openFolder } from './source-folder.ts';
import { openJson, openJsonl } from './source-json.ts';
import { openXlsx } from './source-xlsx.ts';
import type { Format } from './types.ts';

/** Looks like CoNLL: short lines of 2+ whitespace-separated columns, with blank lines between sentences. */
function looksLikeConll(head: string): boolean {
  const lines = head.split(/\r?\n/).slice(0, 200);
  const filled = lines.filter((l) => l.trim() !== '' && !l.startsWith('-DOCSTART-'));
  if (filled.length < 2 || filled.length === lines.length) return false;
  return filled.every((l) => {
    const cols = l.trim().split(/\s+/);
    return cols.length >= 2 && cols.length <= 6 && !l.includes(',');
  });
}

/** Decides the format from the extension, and from the first bytes when the extension says little. */
export function detectFormat(file: string): Format {
  const name = path.basename(file);
  if (!fs.existsSync(file)) throw new FileProblem({ severity: 'error', code: 'missing-file', file: name, message: `${file} does not exist. Check the path.` });
  if (fs.statSync(file).isDirectory()) return 'folder';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.xls' || ext === '.ods' || ext === '.numbers') throw new FileProblem({ severity: 'error', code: 'unsupported-format', file: name, message: `${name}: ${ext} spreadsheets cannot be read. Save it as Excel Workbook (.xlsx) or CSV and import that.` });
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (['.conll', '.conllu', '.bio', '.iob', '.iob2'].includes(ext)) return 'conll';
  const head = readHead(file, 64 * 1024);
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) && ext !== '.csv' && ext !== '.tsv') return 'xlsx'; // a renamed workbook
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  const tabularExt = ext === '.csv' || ext === '.tsv' || ext === '.tab';
  if (ext === '.json' || (!tabularExt && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
    // One object per line is JSON Lines even when named .json.
    const firstLines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 3);
    if (firstLines.length >= 2 && firstLines.every((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))) return 'jsonl';
    if (ext === '.json' || trimmed.startsWith('[') || trimmed.startsWith('{')) return 'json';
  }
  if (!tabularExt && looksLikeConll(text)) return 'conll';
  return 'csv';
}

export async function openSource(file: string, opts: OpenOptions): Promise<Source> {
  switch (detectFormat(file)) {
    case 'folder':
      return openFolder(file);
    case 'xlsx':
      return openXlsx(file, opts);
    case 'jsonl':
      return openJsonl(file, opts);
    case 'json':
    case 'squad':
      return openJson(file, opts);
    case 'conll':
      return openConll(file, opts);
    case 'csv':
      return openCsv(file, opts);
  }
}
