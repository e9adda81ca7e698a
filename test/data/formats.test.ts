import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImport, importDataset, previewFile, readExamples } from '../../main/data/index.ts';
import type { Store } from '../../main/store/index.ts';
import { loadExamples, openStore } from '../../main/store/index.ts';
import { tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
let store: Store;
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};
/** Five rows per label: enough to avoid the rare-class and split warnings. */
const rows = (n: number, labels: string[]) => Array.from({ length: n }, (_, i) => [`example text number ${i} about ${labels[i % labels.length]}`, labels[i % labels.length]]);

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  store = openStore(path.join(dir, 'home'));
});
afterAll(() => {
  store.close();
  cleanup();
});

describe('encodings', () => {
  const csv = 'text,label\n' + rows(20, ['café', 'naïve']).map((r) => r.join(',')).join('\n') + '\n';
  it('reads UTF-8 with a BOM, UTF-16 LE and BE with BOMs', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    const cases: [string, Buffer, string][] = [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), 'utf-8'],
      ['le.csv', le, 'utf-16le'],
      ['be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be'],
    ];
    for (const [name, bytes, enc] of cases) {
      const r = await analyzeImport(file(name, bytes), { task: 'classification' });
      expect(r.files[0].encoding).toBe(enc);
      expect(r.files[0].columns).toEqual(['text', 'label']);
      expect(r.stats.labels.map((l) => l.label).sort()).toEqual(['café', 'naïve']);
    }
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8, and says so', async () => {
    const r = await analyzeImport(file('cp1252.csv', Buffer.from(csv.replace(/é/g, '\u00e9'), 'latin1')), { task: 'classification' });
    expect(r.files[0].encoding).toBe('windows-1252');
    expect(r.stats.labels.map((l) => l.label).sort()).toEqual(['café', 'naïve']);
    expect(r.warnings.find((w) => w.code === 'encoding')?.message).toMatch(/not valid UTF-8, so it was read as Windows-1252/);
  });

  it('falls back to Windows-1252 when the only non-UTF-8 byte is the last one, past the sniffed first megabyte', async () => {
    const body = ['text,label', ...Array.from({ length: 30_000 }, (_, i) => `this is example number ${i} of many,${i % 2 ? 'a' : 'b'}`), 'a,caf'].join('\n');
    const r = await analyzeImport(file('cp1252-tail.csv', Buffer.concat([Buffer.from(body), Buffer.from([0xe9])])), { task: 'classification' });
    expect(r.files[0].encoding).toBe('windows-1252');
    expect(r.stats.labels.map((l) => l.label)).toContain('café');
  });
});

describe('formats', () => {
  it('XLSX: sheet by name, first sheet by default, rows numbered as in Excel', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('Readme');
    first.addRow(['About']);
    first.addRow(['nothing to import here at all, just prose']);
    const data = wb.addWorksheet('Resumes');
    data.addRow(['Resume', 'Category']);
    for (const r of rows(20, ['engineering', 'finance'])) data.addRow(r);
    const p = path.join(dir, 'resumes.xlsx');
    await wb.xlsx.writeFile(p);
    const preview = await previewFile(p, { sheet: 'Resumes' });
    expect(preview.file.sheets).toEqual(['Readme', 'Resumes']);
    expect(preview.mapping).toMatchObject({ text: 'Resume', label: 'Category' });
    expect(preview.rows[0].line).toBe(2);
    const { report, dataset } = await importDataset(store, p, { task: 'classification', sheet: 'Resumes', project: 'xlsx' });
    expect(report.errors).toEqual([]);
    expect(dataset?.labels).toEqual(['engineering', 'finance']);
    expect(dataset?.rowCount).toBe(20);
    const bad = await analyzeImport(p, { task: 'classification', sheet: 'Nope' });
    expect(bad.errors[0].message).toMatch(/no sheet named 'Nope'.*Readme, Resumes/);
    expect((await previewFile(p)).file.sheet).toBe('Readme');
  });

  it('XLSX: repeated header names stay separate columns, as in CSV', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Tickets');
    ws.addRow(['text', 'label', 'label']);
    for (const [text, label] of rows(20, ['billing', 'login'])) ws.addRow([text, label, 'reviewer note']);
    const p = path.join(dir, 'dup-header.xlsx');
    await wb.xlsx.writeFile(p);
    const preview = await previewFile(p);
    expect(preview.file.columns).toEqual(['text', 'label', 'label_2']);
    const report = await analyzeImport(p, { task: 'classification', mapping: { text: 'text', label: 'label' } });
    expect(report.stats.labels.map((l) => l.label).sort()).toEqual(['billing', 'login']);
  });

  it('JSON Lines and JSON arrays with multi-label arrays', async () => {
    const objs = rows(20, ['a', 'b']).map(([text, label], i) => ({ body: text, tags: i % 4 === 0 ? [label, 'urgent'] : [label] }));
    const jsonl = await analyzeImport(file('x.jsonl', objs.map((o) => JSON.stringify(o)).join('\n')), { task: 'classification', mapping: { label: 'tags' } });
    expect(jsonl.errors).toEqual([]);
    expect(jsonl.stats.multiLabel).toBe(true);
    expect(jsonl.stats.labels.find((l) => l.label === 'urgent')?.count).toBe(5);
    const arr = await analyzeImport(file('x.json', JSON.stringify(objs, null, 2)), { task: 'classification', mapping: { label: 'tags' } });
    expect(arr.files[0].format).toBe('json');
    expect(arr.stats.rows).toBe(20);
  });

  it('multi-label with a separator the user picks', async () => {
    const p = file('multi.csv', 'text,labels\n' + rows(20, ['x', 'y']).map(([t, l], i) => `${t},${i % 2 ? `${l}; z` : l}`).join('\n'));
    const { dataset } = await importDataset(store, p, { task: 'classification', mapping: { labelSep: ';' }, project: 'multi' });
    expect(dataset?.multiLabel).toBe(true);
    expect(dataset?.labels).toEqual(['x', 'y', 'z']);
    expect(loadExamples<'classification'>(store, dataset?.id ?? -1).find((e) => e.sourceLine === 3)).toMatchObject({ labels: ['y', 'z'] });
  });

  it('SQuAD v2: unanswerable questions are kept with no answers', async () => {
    const doc = { version: 'v2.0', data: [{ title: 't', paragraphs: [{ context: 'Rain is wet. Snow is cold.', qas: [
      { id: 'a', question: 'What is wet?', answers: [{ text: 'Rain', answer_start: 0 }], is_impossible: false },
      { id: 'b', question: 'What is hot?', answers: [], plausible_answers: [{ text: 'Snow', answer_start: 13 }], is_impossible: true },
    ] }] }] };
    const { report, dataset } = await importDataset(store, file('v2.json', JSON.stringify(doc)), { task: 'qa', project: 'qa' });
    expect(report.stats.answerable).toEqual({ answerable: 1, unanswerable: 1 });
    const stored = loadExamples<'qa'>(store, dataset?.id ?? -1);
    expect(stored.find((e) => e.id === 'b')).toMatchObject({ answers: [] });
    expect(stored.find((e) => e.id === 'a')).toMatchObject({ answers: [{ text: 'Rain', start: 0 }] });
  });

  it('CoNLL in IOB1 is converted to BIO, with a warning; -DOCSTART- is skipped', async () => {
    const p = file('iob1.conll', '-DOCSTART- O\n\nJohn I-PER\nSmith I-PER\nmet O\nMary I-PER\n\nParis I-LOC\nB B-LOC\n');
    const r = await analyzeImport(p, { task: 'ner' });
    expect(r.errors).toEqual([]);
    expect(r.warnings.some((w) => w.code === 'iob1-converted')).toBe(true);
    expect(r.stats.labels.map((l) => l.label).sort()).toEqual(['B-LOC', 'B-PER', 'I-PER', 'O']);
    expect(r.stats.rows).toBe(2);
  });

  it('intent with slots from CoNLL files with "# intent = X" lines', async () => {
    const p = file('joint.conll', '# intent = PlayMusic\nplay O\njazz B-genre\n\n# intent: GetWeather\nweather O\nin O\nparis B-city\n');
    const { dataset } = await importDataset(store, p, { task: 'intent', project: 'joint' });
    expect(dataset?.labels).toEqual(['GetWeather', 'PlayMusic']);
    expect(dataset?.slotLabels).toEqual(['B-city', 'B-genre', 'O']);
    expect(loadExamples<'intent'>(store, dataset?.id ?? -1).find((e) => e.intent === 'GetWeather')).toMatchObject({ text: 'weather in paris', tokens: ['weather', 'in', 'paris'], slots: ['O', 'O', 'B-city'] });
  });

  it('a folder with one sub-folder of .txt files per class, optionally under train/ and test/', async () => {
    for (const [split, label, i] of [['train', 'pos', 1], ['train', 'pos', 2], ['train', 'neg', 3], ['test', 'neg', 4], ['test', 'pos', 5]] as const) file(`reviews/${split}/${label}/${i}.txt`, `review number ${i}, which is ${label}\n`);
    const { report, dataset } = await importDataset(store, path.join(dir, 'reviews'), { task: 'classification', project: 'folder', validationFromTrain: false });
    expect(report.files[0].format).toBe('folder');
    expect(report.stats.splits).toEqual({ train: 3, validation: 0, test: 2 });
    expect(dataset?.labels).toEqual(['neg', 'pos']);
  });

  it('headerless CSV: columns are guessed from contents', async () => {
    const p = file('noheader.csv', rows(20, ['hardware', 'software']).map((r) => r.join(',')).join('\n'));
    const preview = await previewFile(p, { task: 'classification' });
    expect(preview.file.hasHeader).toBe(false);
    expect(preview.mapping).toEqual({ text: 'column1', label: 'column2' });
    expect((await analyzeImport(p, { task: 'classification' })).stats.rows).toBe(20);
  });

  it('readExamples returns the checked examples in memory, or none when there are errors', async () => {
    const p = file('mem.csv', 'text,label\n' + rows(10, ['a', 'b']).map((r) => r.join(',')).join('\n'));
    const { report, examples } = await readExamples(p, { task: 'classification', ratios: { train: 1, validation: 0, test: 0 } });
    expect(report.ok).toBe(true);
    expect(examples).toHaveLength(10);
    expect(examples[0]).toEqual({ text: 'example text number 0 about a', labels: ['a'], split: 'train', sourceLine: 2 });
    const bad = await readExamples(file('mem-bad.csv', 'text,label\n,a\n'), { task: 'classification' });
    expect(bad.examples).toEqual([]);
    expect(bad.report.errors[0].code).toBe('empty-text');
  });
});
