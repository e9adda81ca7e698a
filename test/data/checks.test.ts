import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImport } from '../../main/data/index.ts';
import { approxTokenCount } from '../../main/data/tokens.ts';
import { tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());
const csv = (name: string, lines: string[]) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const filler = (label: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `filler sentence ${label} ${i + from},${label}`);

describe('dataset-level warnings (reported, not blocking)', () => {
  it('exact and near duplicates, and conflicting labels, point at both lines', async () => {
    const p = csv('dups.csv', ['text,label', 'Where is my card?,card', ...filler('card', 6), 'Where is my card?,card', 'where  is MY card?,card', 'Where is my card?,refund', ...filler('refund', 6)]);
    const r = await analyzeImport(p, { task: 'classification' });
    expect(r.ok).toBe(true);
    const by = (code: string) => r.warnings.filter((w) => w.code === code);
    expect(by('duplicate').map((w) => w.line)).toEqual([9, 11]);
    expect(by('duplicate')[0].message).toBe('dups.csv line 9 repeats dups.csv line 2. Delete the copy unless the repetition is intended.');
    expect(by('near-duplicate').map((w) => w.line)).toEqual([10]);
    expect(by('conflicting-labels').map((w) => w.line)).toEqual([11]);
    expect(by('conflicting-labels')[0].message).toMatch(/line 11 has the same text as dups\.csv line 2 but a different label/);
  });

  it('the same text in train and test files is leakage', async () => {
    const train = csv('train.csv', ['text,label', ...filler('a', 10), ...filler('b', 10)]);
    const test = csv('test.csv', ['text,label', 'Filler sentence a 3,a', ...filler('b', 5, 100)]);
    const r = await analyzeImport([train, test], { task: 'classification' });
    const leak = r.warnings.filter((w) => w.code === 'leakage');
    expect(leak).toHaveLength(1);
    expect(leak[0]).toMatchObject({ file: 'test.csv', line: 2 });
    expect(leak[0].message).toMatch(/test\.csv line 2 \(test\) has the same text, ignoring case and spacing, as train\.csv line 5 \(train\)/);
    expect(r.stats.splitSource).toBe('file');
    expect(r.stats.splits.test).toBe(6);
    expect(r.stats.splits.validation).toBe(2); // carved from train: no validation file
  });

  it('classes with fewer than 5 examples, and classes too rare to stratify', async () => {
    const r = await analyzeImport(csv('rare.csv', ['text,label', ...filler('common', 30), ...filler('rare', 3)]), { task: 'classification' });
    expect(r.warnings.find((w) => w.code === 'rare-class')?.message).toMatch(/'rare' has only 3 examples/);
    expect(r.warnings.find((w) => w.code === 'too-rare-to-split')?.message).toMatch(/'rare' has 3 examples, too few to stratify, so all are in train/);
    expect(r.stats.labels.find((l) => l.label === 'rare')?.perSplit).toEqual({ train: 3, validation: 0, test: 0 });
    const common = r.stats.labels.find((l) => l.label === 'common')?.perSplit;
    expect(common).toEqual({ train: 24, validation: 3, test: 3 });
  });

  it('the share of examples over the max length, saying the count is approximate', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const r = await analyzeImport(csv('long.csv', ['text,label', ...filler('a', 8), `${long},a`, `${long},b`, ...filler('b', 8)]), { task: 'classification', maxLength: 32 });
    const w = r.warnings.find((x) => x.code === 'truncation');
    expect(w?.message).toMatch(/^11\.1% of the examples \(2\) are longer than the max length of 32 tokens \(approximate count/);
    expect(r.stats.lengths.overMaxLength).toBe(2);
    expect(r.stats.lengths.max).toBe(40);
    const exact = await analyzeImport(path.join(dir, 'long.csv'), { task: 'classification', maxLength: 32, countTokens: (t) => t.length });
    expect(exact.stats.lengths.approximate).toBe(false);
    expect(exact.warnings.find((x) => x.code === 'truncation')?.message).not.toMatch(/approximate/);
  });

  it('approximate tokens: words and single punctuation marks, ASCII or not', () => {
    expect(approxTokenCount("Don't panic, it's fine!")).toBe(10);
    expect(approxTokenCount('Café déjà vu — ok.')).toBe(6);
  });
});

describe('splits', () => {
  it('the automatic split is seeded, stratified and keeps identical texts together', async () => {
    const lines = ['text,label', ...filler('x', 50), ...filler('y', 50), ...Array.from({ length: 10 }, () => 'same text everywhere,x')];
    const p = csv('auto.csv', lines);
    const a = await analyzeImport(p, { task: 'classification', seed: 7 });
    const b = await analyzeImport(p, { task: 'classification', seed: 7 });
    expect(a.stats.splits).toEqual(b.stats.splits);
    expect(a.stats.splits.train + a.stats.splits.validation + a.stats.splits.test).toBe(110);
    const y = a.stats.labels.find((l) => l.label === 'y')?.perSplit;
    expect(y).toEqual({ train: 40, validation: 5, test: 5 });
    expect(a.notes.join(' ')).toMatch(/split 80\/10\/10/);
  });

  it('a split column is used as given', async () => {
    const p = csv('splitcol.csv', ['text,label,split', ...filler('a', 6).map((l, i) => `${l},${['train', 'dev', 'test'][i % 3]}`), ...filler('b', 6).map((l, i) => `${l},${['Train', 'validation', 'TEST'][i % 3]}`)]);
    const r = await analyzeImport(p, { task: 'classification' });
    expect(r.mapping.split).toBe('split');
    expect(r.stats.splits).toEqual({ train: 4, validation: 4, test: 4 });
    expect(r.stats.splitSource).toBe('file');
  });
});
