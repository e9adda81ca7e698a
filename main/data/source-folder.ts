import fs from 'node:fs';
import path from 'node:path';
import { sniffEncoding } from './encoding.ts';
import { readAllText } from './source-json.ts';
import { FileProblem } from './problems.ts';
import type { RawRecord, Source } from './source.ts';
import { SAMPLE_SIZE } from './source.ts';
import { splitFromName } from './splits.ts';

/**
 * A folder with one sub-folder per class holding `.txt` files (one example per file), or
 * train/ validation/ test/ folders each laid out that way. The record's `line` is 1: a problem
 * is located by the file path (given in `values.file`).
 */
export async function openFolder(dir: string): Promise<Source> {
  const name = path.basename(dir);
  const subdirs = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  const splitDirs = subdirs.filter((d) => splitFromName(d) !== undefined);
  const bySplit = splitDirs.length > 0 && splitDirs.length === subdirs.length;
  const entries: { split?: string; label: string; file: string }[] = [];
  for (const top of bySplit ? splitDirs : ['']) {
    const base = path.join(dir, top);
    const classes = fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
    for (const label of classes) {
      const files = fs.readdirSync(path.join(base, label)).filter((f) => f.toLowerCase().endsWith('.txt')).sort();
      for (const f of files) entries.push({ ...(bySplit ? { split: top } : {}), label, file: path.join(base, label, f) });
    }
  }
  if (entries.length === 0) {
    throw new FileProblem({ severity: 'error', code: 'empty-folder', file: name, message: `${name} has no sub-folders with .txt files. Put each class's texts in a sub-folder named after the class (e.g. ${name}/positive/001.txt).` });
  }
  const read = async (e: (typeof entries)[number], signal?: AbortSignal): Promise<RawRecord> => {
    signal?.throwIfAborted();
    const text = (await readAllText(e.file, sniffEncoding(e.file))).trim();
    return { line: 1, values: { text, label: e.label, file: path.relative(dir, e.file) }, ...(e.split ? { split: e.split } : {}) };
  };
  const sample: RawRecord[] = [];
  for (const e of entries.slice(0, SAMPLE_SIZE)) sample.push(await read(e));
  return {
    info: { file: name, format: 'folder', encoding: 'utf-8', columns: ['text', 'label'], bytes: 0 },
    sample,
    unit: 'line',
    fixedMapping: true,
    async *records(ctx) {
      for (const e of entries) yield await read(e, ctx.signal);
    },
  };
}
