import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, runCli, tableCounts, tempDir } from './helpers.ts';

/**
 * Every bad input goes through the real CLI: exit code 2, the problem reported at the right
 * line/row (and column), and the store's table counts unchanged.
 */
interface Case {
  file: string;
  task: string;
  args?: string[];
  code: string;
  line?: number;
  column?: string;
  message: RegExp;
}

const CASES: Case[] = [
  { file: 'empty-text.csv', task: 'classification', code: 'empty-text', line: 3, column: 'text', message: /empty-text\.csv line 3, column 'text': the text is empty/ },
  { file: 'empty-text.xlsx', task: 'classification', args: ['--sheet', 'Tickets'], code: 'empty-text', line: 3, column: 'Description', message: /row 3, column 'Description'/ },
  { file: 'missing-label.csv', task: 'classification', code: 'missing-label', line: 3, column: 'label', message: /line 3, column 'label': the label is missing/ },
  { file: 'ragged.csv', task: 'classification', code: 'ragged-row', line: 3, message: /line 3 has 3 fields but the header has 2/ },
  { file: 'unparseable.jsonl', task: 'classification', code: 'invalid-json', line: 3, message: /line 3 is not valid JSON/ },
  { file: 'invalid-json.json', task: 'classification', code: 'invalid-json', line: 4, message: /at line 4, column 19/ },
  { file: 'invalid-bio.conll', task: 'ner', code: 'invalid-bio', line: 8, message: /'I-location' follows 'O'.*B-location/ },
  { file: 'token-tag-mismatch.conll', task: 'ner', code: 'token-tag-mismatch', line: 3, message: /line 3 has the token 'in' but no tag/ },
  { file: 'slot-count-mismatch.csv', task: 'intent', code: 'token-tag-mismatch', line: 3, column: 'slots', message: /4 slot tags for 5 words/ },
  { file: 'qa-offset.csv', task: 'qa', code: 'answer-offset', line: 3, message: /'Germany' is not at offset 3.*set the start to 13/ },
  { file: 'squad-offset.json', task: 'qa', code: 'answer-offset', line: 22, message: /question q2.*set the start to 26/ },
  { file: 'binary.bin', task: 'classification', code: 'binary-file', message: /binary file/ },
  { file: 'empty.csv', task: 'classification', code: 'empty-file', message: /empty \(0 bytes\)/ },
  { file: 'empty.xlsx', task: 'classification', code: 'empty-file', message: /not an Excel workbook/ },
  { file: 'header-only.csv', task: 'classification', code: 'no-rows', message: /header row but no data rows/ },
  { file: 'unterminated-quote.csv', task: 'classification', code: 'unterminated-quote', line: 3, message: /line 3: a quoted field starts here/ },
  { file: 'bad-split.csv', task: 'classification', args: ['--split-col', 'split'], code: 'bad-split', line: 3, message: /'holdout' is not a split/ },
  { file: 'missing-label.csv', task: 'classification', args: ['--text-col', 'body'], code: 'unknown-column', message: /has no column 'body'.*--text-col/ },
  { file: 'invalid-bio.conll', task: 'classification', code: 'wrong-task', message: /--task ner/ },
  { file: 'does-not-exist.csv', task: 'classification', code: 'missing-file', message: /does not exist/ },
];

/**
 * Problems that do not block by default (they are warnings) but do under --strict: the same
 * exit 2, row numbers and untouched store, and without --strict an import that succeeds.
 */
const WARNINGS: (Omit<Case, 'file'> & { files: string[]; also?: Pick<Case, 'code' | 'line' | 'message'> })[] = [
  { files: ['duplicates.csv'], task: 'classification', code: 'duplicate', line: 9, message: /duplicates\.csv line 9 repeats duplicates\.csv line 2/, also: { code: 'near-duplicate', line: 10, message: /line 10 is the same text, ignoring case and spacing, as duplicates\.csv line 2/ } },
  { files: ['conflicting-labels.csv'], task: 'classification', code: 'conflicting-labels', line: 9, message: /line 9 has the same text as conflicting-labels\.csv line 2 but a different label/ },
  { files: ['leakage/train.csv', 'leakage/test.csv'], task: 'classification', code: 'leakage', line: 3, message: /test\.csv line 3 \(test\) has the same text as train\.csv line 4 \(train\)/ },
  { files: ['rare-class.csv'], task: 'classification', code: 'rare-class', column: 'label', message: /'rare' has only 2 examples/ },
  { files: ['truncation.csv'], task: 'classification', args: ['--max-length', '32'], code: 'truncation', message: /7\.7% of the examples \(1\) are longer than the max length of 32 tokens \(approximate/ },
  { files: ['iob1.conll'], task: 'ner', code: 'iob1-converted', message: /converted to BIO/ },
];

let home: string;
let cleanup: () => void;
let before: Record<string, number>;

beforeAll(async () => {
  ({ dir: home, cleanup } = tempDir());
  // A store with something in it, so "unchanged" is not trivially zero.
  const seeded = await runCli(['--home', home, 'import', path.join(BAD, '../data/good.csv'), '--task', 'classification', '--json']);
  expect(seeded.code, seeded.stderr).toBe(0);
  before = tableCounts(home);
  expect(before.examples).toBeGreaterThan(0);
});
afterAll(() => cleanup());

describe('bad inputs through the CLI', () => {
  for (const c of CASES) {
    it(`${c.file} ${c.args?.join(' ') ?? ''} → exit 2, ${c.code}${c.line ? ` at line ${c.line}` : ''}`, async () => {
      const r = await runCli(['--home', home, 'import', path.join(BAD, c.file), '--task', c.task, ...(c.args ?? []), '--json']);
      expect(r.code, r.stderr).toBe(2);
      const errors = (r.json?.errors ?? []) as { code: string; line?: number; column?: string; message: string }[];
      expect(r.json?.dataset).toBeNull();
      const hit = errors.find((e) => e.code === c.code);
      expect(hit, JSON.stringify(errors)).toBeDefined();
      if (c.line !== undefined) expect(hit?.line).toBe(c.line);
      if (c.column !== undefined) expect(hit?.column).toBe(c.column);
      expect(hit?.message).toMatch(c.message);
      // The same sentence is on stderr for people.
      expect(r.stderr).toContain(hit?.message ?? '<none>');
      expect(tableCounts(home)).toEqual(before);
    });
  }

  for (const c of WARNINGS) {
    it(`${c.files.join(' + ')} --strict → exit 2, ${c.code}${c.line ? ` at line ${c.line}` : ''}`, async () => {
      const r = await runCli(['--home', home, 'import', ...c.files.map((f) => path.join(BAD, f)), '--task', c.task, ...(c.args ?? []), '--strict', '--json']);
      expect(r.code, r.stderr).toBe(2);
      const errors = (r.json?.errors ?? []) as { code: string; line?: number; column?: string; message: string }[];
      for (const want of [c, ...(c.also ? [c.also] : [])]) {
        const hit = errors.find((e) => e.code === want.code);
        expect(hit, JSON.stringify(errors)).toBeDefined();
        if (want.line !== undefined) expect(hit?.line).toBe(want.line);
        expect(hit?.message).toMatch(want.message);
      }
      if (c.column !== undefined) expect(errors.find((e) => e.code === c.code)?.column).toBe(c.column);
      expect(tableCounts(home)).toEqual(before);
    });
  }

  it('without --strict those problems are warnings: the import succeeds and reports them', async () => {
    const { dir, cleanup: done } = tempDir();
    try {
      const r = await runCli(['--home', dir, 'import', path.join(BAD, 'duplicates.csv'), '--task', 'classification', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json?.dataset).toBe(1);
      expect(r.json?.errors).toEqual([]);
      expect((r.json?.warnings as { code: string; line?: number }[]).map((w) => [w.code, w.line])).toEqual([
        ['duplicate', 9],
        ['near-duplicate', 10],
      ]);
    } finally {
      done();
    }
  });

  it('a text-mode run prints the errors on stderr and exits 2', async () => {
    const r = await runCli(['--home', home, 'import', path.join(BAD, 'ragged.csv'), '--task', 'classification']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1 problem that blocks the import; nothing was stored/);
    expect(r.stderr).toMatch(/ragged\.csv line 3/);
  });
});
