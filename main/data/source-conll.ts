import path from 'node:path';
import { lines, sniffEncoding, textChunks } from './encoding.ts';
import { FileProblem } from './problems.ts';
import type { OpenOptions, RawRecord, ReadContext, Source } from './source.ts';
import { SAMPLE_SIZE } from './source.ts';

/**
 * CoNLL: one token per line, the token in the first column and its tag in the last, a blank
 * line between sentences, `-DOCSTART-` lines skipped. A comment line `# intent = X` (or
 * `# intent: X`) before a sentence gives its intent, for joint intent + slot files.
 * Yields {tokens, tags, intent?}; the record's line is the sentence's first token.
 */
async function* sentences(file: string, sniff: ReturnType<typeof sniffEncoding>, ctx: Partial<ReadContext>): AsyncGenerator<RawRecord> {
  const name = path.basename(file);
  let tokens: string[] = [];
  let tags: string[] = [];
  let start = 0;
  let intent: string | undefined;
  let bad = false;
  const flush = function* (): Generator<RawRecord> {
    if (tokens.length && !bad) yield { line: start, values: { tokens, tags, ...(intent !== undefined ? { intent } : {}) } };
    tokens = [];
    tags = [];
    intent = undefined;
    bad = false;
  };
  for await (const { line, text } of lines(textChunks(file, { encoding: sniff.encoding, bomLength: sniff.bomLength, signal: ctx.signal, onBytes: ctx.onBytes }))) {
    const trimmed = text.trim();
    if (trimmed === '') {
      yield* flush();
      continue;
    }
    if (trimmed.startsWith('-DOCSTART-')) continue;
    const comment = /^#\s*intent\s*[=:]\s*(.+)$/i.exec(trimmed);
    if (comment && tokens.length === 0) {
      intent = comment[1].trim();
      continue;
    }
    if (trimmed.startsWith('# ') && tokens.length === 0 && !text.includes('\t')) continue;
    const cols = text.includes('\t') ? text.split('\t').map((c) => c.trim()) : trimmed.split(/\s+/);
    if (tokens.length === 0) start = line;
    if (cols.length < 2 || cols[cols.length - 1] === '') {
      ctx.problem?.({
        severity: 'error',
        code: 'token-tag-mismatch',
        line,
        message: `${name} line ${line} has the token '${cols[0]}' but no tag. Every token line needs a tag column (O for none), separated by a tab or a space.`,
      });
      bad = true;
      tokens.push(cols[0]);
      tags.push('O');
      continue;
    }
    tokens.push(cols[0]);
    tags.push(cols[cols.length - 1]);
  }
  yield* flush();
}

export async function openConll(file: string, opts: OpenOptions): Promise<Source> {
  const name = path.basename(file);
  const sniff = sniffEncoding(file, opts.encoding);
  if (sniff.size === 0) throw new FileProblem({ severity: 'error', code: 'empty-file', file: name, message: `${name} is empty (0 bytes). Choose the file that holds your data.` });
  if (sniff.binary) throw new FileProblem({ severity: 'error', code: 'binary-file', file: name, message: `${name} looks like a binary file, not text (it contains NUL bytes). Export your data as CoNLL text: one token and its tag per line.` });
  const sample: RawRecord[] = [];
  for await (const r of sentences(file, sniff, {})) {
    sample.push(r);
    if (sample.length >= SAMPLE_SIZE) break;
  }
  return {
    info: { file: name, format: 'conll', encoding: sniff.encoding, columns: ['tokens', 'tags', ...(sample.some((s) => 'intent' in s.values) ? ['intent'] : [])], bytes: sniff.size },
    sample,
    unit: 'line',
    fixedMapping: true,
    records: (ctx) => sentences(file, sniff, ctx),
  };
}
