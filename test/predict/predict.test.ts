// Prediction on raw inputs: predictTexts for each kind of output (labels, entity spans with
// offsets into the text as typed, answers in the context), and the predict command on files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../main/export/export.ts';
import { predictTexts, releasePredictTexts } from '../../main/export/predict.ts';
import { wordsOf } from '../../main/export/inputs.ts';
import { predictFile } from '../../main/export/predict-file.ts';
import { folderPredictor } from '../../main/export/predictor.ts';
import { runCli, tempDir } from '../data/helpers.ts';
import { fixtureModel } from './fixture-models.ts';

let tmp: string;
let cleanup: () => void;
let cls: string;
beforeAll(() => {
  ({ dir: tmp, cleanup } = tempDir('bert-studio-predict-'));
  cls = fixtureModel('bert-tiny-seqcls', 'classification', { names: ['billing', 'sales', 'technical'] }, path.join(tmp, 'cls'));
});
afterAll(async () => {
  await releasePredictTexts();
  cleanup();
});

describe('wordsOf', () => {
  it('splits on whitespace and peels punctuation off word ends, as tagged corpora do, keeping offsets', () => {
    const text = 'Visit (Paris), the U.S. and e-mail  don\'t!';
    const words = wordsOf(text);
    expect(words.map((w) => w.text)).toEqual(['Visit', '(', 'Paris', ')', ',', 'the', 'U.S', '.', 'and', 'e-mail', "don't", '!']);
    for (const w of words) expect(text.slice(w.start, w.end)).toBe(w.text);
    expect(wordsOf('  👋🏽 ok ').map((w) => w.text)).toEqual(['👋', '🏽', 'ok']);
  });
});

describe('predictTexts', () => {
  it('classification: label, confidence and the top 3 with probabilities', async () => {
    const [r] = await predictTexts(cls, ['my invoice is wrong']);
    if (r.task !== 'classification') throw new Error(r.task);
    expect(r.top.map((t) => t.label).sort()).toEqual(['billing', 'sales', 'technical']);
    expect(r.prediction).toBe(r.top[0].label);
    expect(r.confidence).toBe(r.top[0].probability);
    expect(r.top.reduce((s, t) => s + t.probability, 0)).toBeCloseTo(1, 5);
    expect(r.top[0].probability).toBeGreaterThanOrEqual(r.top[1].probability);
  });

  it('keeps the model loaded between calls, and notices when the folder is replaced by a retrained model', async () => {
    const dir = fixtureModel('bert-tiny-seqcls', 'classification', { names: ['one', 'two', 'three'] }, path.join(tmp, 'retrained'));
    const first = await predictTexts(dir, ['hello', 'world']);
    expect(await predictTexts(dir, ['hello', 'world'])).toEqual(first);
    fixtureModel('bert-tiny-seqcls', 'classification', { names: ['uno', 'dos', 'tres'] }, dir);
    const [again] = await predictTexts(dir, ['hello']);
    expect(['uno', 'dos', 'tres']).toContain(again.prediction);
  });

  it('NER: entity offsets point into the text as typed, extra spaces included', async () => {
    const ner = fixtureModel('bert-tiny-tokencls', 'ner', { names: ['O', 'B-LOC', 'B-PER', 'I-LOC', 'I-PER'] }, path.join(tmp, 'ner'));
    const text = '  the  quick brown fox,   jumps over (the lazy dog) in new york city.  ';
    const [r] = await predictTexts(ner, [text]);
    if (r.task !== 'ner') throw new Error(r.task);
    expect(r.entities.length).toBeGreaterThan(0);
    for (const e of r.entities) {
      expect(text.slice(e.start, e.end)).toBe(e.text);
      expect(['LOC', 'PER']).toContain(e.type);
      // A tag won the softmax over 5 tags, so its probability is above 1/5.
      expect(e.score).toBeGreaterThan(0.2);
      expect(e.score).toBeLessThanOrEqual(1);
    }
    expect(r.confidence).toBeGreaterThan(0.2);
  });

  it('QA: the answer is the context between its offsets, for each question/context pair', async () => {
    const qa = fixtureModel('bert-tiny-qa', 'qa', { names: [] }, path.join(tmp, 'qa'));
    const inputs = [
      { question: 'who wrote it?', context: 'it was written by ada lovelace in 1843 in london.' },
      { question: 'when?', context: 'the bridge opened in 1894 after eight years of work.' },
    ];
    const out = await predictTexts(qa, inputs);
    expect(out).toHaveLength(2);
    out.forEach((r, i) => {
      if (r.task !== 'qa') throw new Error(r.task);
      if (r.answer === '') expect([r.start, r.end]).toEqual([-1, -1]);
      else expect(inputs[i].context.slice(r.start, r.end)).toBe(r.answer);
    });
    await expect(predictTexts(qa, ['just a text'])).rejects.toThrow(/needs a question and a context/);
  });
});

describe('predictFile', () => {
  it('streams a .txt file in chunks with progress, one output row per non-empty line, in order', async () => {
    const input = path.join(tmp, 'many.txt');
    const texts = Array.from({ length: 50 }, (_, i) => `message number ${i}, about ${['billing', 'a crash', 'prices'][i % 3]}`);
    fs.writeFileSync(input, texts.slice(0, 25).join('\n') + '\n\n' + texts.slice(25).join('\r\n') + '\n');
    const p = await folderPredictor(cls);
    const progress: number[] = [];
    const r = await predictFile(p, { input, output: path.join(tmp, 'many.jsonl'), chunkSize: 16 }, { onProgress: (x) => progress.push(x.rows) });
    await p.dispose();
    expect(r).toMatchObject({ rows: 50, textColumn: 'text', skipped: [] });
    expect(progress).toEqual([16, 32, 48, 50]);
    const rows = fs.readFileSync(r.output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; prediction: string });
    expect(rows.map((x) => x.text)).toEqual(texts);
  });

  it('JSONL output keeps input fields that share a name with a prediction field, as CSV does', async () => {
    const input = path.join(tmp, 'gold.jsonl');
    fs.writeFileSync(input, [{ text: 'my invoice is wrong', labels: ['billing'], prediction: 'gold' }, { text: 'the app crashes', labels: ['technical'], prediction: 'gold' }].map((o) => JSON.stringify(o)).join('\n'));
    const p = await folderPredictor(cls);
    const r = await predictFile(p, { input, output: path.join(tmp, 'gold-out.jsonl') });
    await p.dispose();
    const rows = fs.readFileSync(r.output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.labels)).toEqual([['billing'], ['technical']]);
    expect(rows.map((x) => x.prediction)).toEqual(['gold', 'gold']);
    expect(rows.every((x) => typeof x.model_prediction === 'string' && Array.isArray(x.model_labels) && typeof x.confidence === 'number')).toBe(true);
  });

  it('a cancelled run leaves no output file behind', async () => {
    const input = path.join(tmp, 'cancel.txt');
    fs.writeFileSync(input, Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'));
    const output = path.join(tmp, 'cancel.csv');
    const p = await folderPredictor(cls);
    const ac = new AbortController();
    const run = predictFile(p, { input, output, chunkSize: 8 }, { signal: ac.signal, onProgress: (x) => x.rows >= 16 && ac.abort(new Error('stopped by the user')) });
    await expect(run).rejects.toThrow('stopped by the user');
    await p.dispose();
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('cancel.csv'))).toEqual([]);
  });
});

describe('bert-studio predict', () => {
  it('CSV in, CSV out: the input columns plus prediction, confidence and top-3; the ONNX export predicts the same', async () => {
    const input = path.join(tmp, 'tickets.csv');
    fs.writeFileSync(input, 'id,Message,channel\n1,"my invoice is wrong, please fix",email\n2,the app crashes on start,chat\n3,"I want to buy ""pro""",phone\n');
    const csv = path.join(tmp, 'out.csv');
    const r = await runCli(['predict', '--model', cls, '--input', input, '--text-col', 'message', '--output', csv, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ rows: 3, textColumn: 'Message', task: 'classification', skipped: [] });
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,Message,channel,prediction,confidence,top1_label,top1_probability,top2_label,top2_probability,top3_label,top3_probability');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^1,"my invoice is wrong, please fix",email,(billing|sales|technical),0\.\d+,(billing|sales|technical),0\.\d+,/);
    expect(lines[3]).toMatch(/^3,"I want to buy ""pro""",phone,/);

    const exp = await exportModel({ modelDir: cls, format: 'onnx', out: path.join(tmp, 'onnx') });
    const jsonl = path.join(tmp, 'out.jsonl');
    const o = await runCli(['predict', '--onnx', exp.file, '--input', input, '--text-col', 'Message', '--output', jsonl]);
    expect(o.code, o.stderr).toBe(0);
    const rows = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ id: '1', Message: 'my invoice is wrong, please fix', channel: 'email' });
    expect(rows.map((x) => x.prediction)).toEqual(lines.slice(1).map((l) => l.split(',').at(-8)));
  });

  it('exits 2 with the columns listed when the text column is not there, and when --input is missing', async () => {
    const input = path.join(tmp, 'two-cols.csv');
    fs.writeFileSync(input, 'a,b\nx,y\n');
    const r = await runCli(['predict', '--model', cls, '--input', input, '--output', path.join(tmp, 'o.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Which column of two-cols.csv holds the text\? Its columns are: a, b/);
    const none = await runCli(['predict', '--model', cls, '--output', path.join(tmp, 'o.csv')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--input FILE is required/);
  });
});
