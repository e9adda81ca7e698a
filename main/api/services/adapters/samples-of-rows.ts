import fs from 'node:fs';
import readline from 'node:readline';
import type { ImportIssue } from '../../types.ts';

const MAX_SAMPLED = 300;
const MAX_CHARS = 200;
const TEXT_FORMATS = new Set(['csv', 'jsonl', 'conll']);

/**
 * Adds the text of the offending line to each issue ("a sample of the row"), reading the file
 * only up to the last line needed. Spreadsheets and JSON documents have no useful physical line.
 */
export async function attachRowSamples(path: string, format: string, encoding: string, issues: ImportIssue[]): Promise<void> {
  if (!TEXT_FORMATS.has(format) || fs.statSync(path).isDirectory()) return;
  const wanted = new Map<number, ImportIssue[]>();
  for (const i of issues.slice(0, MAX_SAMPLED)) if (i.row !== undefined) wanted.set(i.row, [...(wanted.get(i.row) ?? []), i]);
  if (wanted.size === 0) return;
  // Node has no UTF-16BE stream decoder; the message names the row anyway.
  if (encoding === 'utf-16be') return;
  const last = Math.max(...wanted.keys());
  const stream = fs.createReadStream(path, { encoding: encoding === 'windows-1252' ? 'latin1' : encoding === 'utf-16le' ? 'utf16le' : 'utf8', highWaterMark: 1 << 16 });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const hit = wanted.get(n);
      if (hit) {
        const text = line.replace(/^\uFEFF/, '');
        for (const i of hit) i.sample = text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
      }
      if (n >= last) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
