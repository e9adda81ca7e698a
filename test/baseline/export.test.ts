// The exported keyword baseline, run in ONNX Runtime, gives the in-app baseline's predictions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportBaseline } from '../../main/baseline/export-baseline.ts';
import { baselineFeeds } from '../../main/baseline/export-inputs.ts';
import { saveTextClassifier } from '../../main/baseline/model-file.ts';
import { classificationPredictions } from '../../main/baseline/predict.ts';
import { fitTextClassifier, type TextClassifier } from '../../main/baseline/text-classifier.ts';
import { createSession } from '../../main/engine/runtime.ts';
import type { ClassificationExample } from '../../main/tasks/types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-baseline-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const train: ClassificationExample[] = [
  { text: 'Refund my money, please!', labels: ['billing'] },
  { text: 'I was charged twice — refund', labels: ['billing'] },
  { text: 'Where is my parcel? 📦', labels: ['shipping'] },
  { text: 'The parcel is late again', labels: ['shipping'] },
  { text: 'Close my account', labels: ['account'] },
  { text: 'How do I delete the account', labels: ['account'] },
];
// Unseen words, punctuation, an emoji, an empty text: the inputs the preprocessing must get right.
const probe = ['refund the parcel', 'account deleted? 📦', 'Café crème', '', 'late late late refund'];

/** What a user of the export computes: read words.txt, build the two inputs, run ONNX Runtime, take argmax / ≥ 0.5. */
async function runExport(out: string, texts: string[], multiLabel: boolean): Promise<string[][]> {
  const words = fs.readFileSync(path.join(out, 'words.txt'), 'utf8').split('\n').slice(0, -1);
  const labels = (JSON.parse(fs.readFileSync(path.join(out, 'labels.json'), 'utf8')) as { id2label: Record<string, string> }).id2label;
  const session = await createSession(path.join(out, 'model.onnx'));
  try {
    const r = await session.run(baselineFeeds(texts, new Map(words.map((w, i) => [w, i]))));
    const p = r.probabilities.data as Float32Array;
    const c = Object.keys(labels).length;
    return texts.map((_, i) => {
      const row = Array.from(p.subarray(i * c, (i + 1) * c));
      return multiLabel ? row.flatMap((x, k) => (x >= 0.5 ? [labels[String(k)]] : [])) : [labels[String(row.indexOf(Math.max(...row)))]];
    });
  } finally {
    await session.release();
  }
}

async function exported(name: string, m: TextClassifier, validation: ClassificationExample[]) {
  const modelDir = path.join(dir, `${name}-fitted`);
  saveTextClassifier(modelDir, m);
  return exportBaseline({ task: 'classification', modelDir, out: path.join(dir, name), validation, baseline: { validation: { accuracy: 1 } } });
}

describe('keyword baseline ONNX export', () => {
  it('single-label: same scores (≤ 1e-4) and the same labels as the app, through words.txt and labels.json', async () => {
    const m = fitTextClassifier(train.map((e) => e.text), train.map((e) => e.labels), ['account', 'billing', 'shipping'], false);
    const r = await exported('single', m, train.slice(0, 3));
    expect(r.files).toEqual(['README.md', 'labels.json', 'model.onnx', 'words.txt']);
    expect(r.verification).toMatchObject({ loadedWith: 'onnxruntime', examples: 3, labelled: true, passed: true, agreement: 1 });
    expect(r.verification.maxDifference).toBeLessThan(1e-4);
    expect(r.verification.metrics?.change).toBe(0);
    const inApp = classificationPredictions(m, probe).map((p) => p.labels);
    expect(await runExport(r.out, probe, false)).toEqual(inApp);
    // The keywords decide, as the training data says.
    expect(inApp.slice(0, 2)).toEqual([['billing'], ['account']]);
    const card = fs.readFileSync(path.join(r.out, 'README.md'), 'utf8');
    expect(card).toContain('word_ids');
    expect(card).toContain('softmax');
  });

  it('multi-label: sigmoid outputs give the app’s label sets', async () => {
    const ml = [...train, { text: 'refund for the late parcel', labels: ['billing', 'shipping'] }, { text: 'late parcel, refund it', labels: ['billing', 'shipping'] }];
    const m = fitTextClassifier(ml.map((e) => e.text), ml.map((e) => e.labels), ['account', 'billing', 'shipping'], true);
    const r = await exported('multi', m, []);
    expect(r.verification).toMatchObject({ labelled: false, passed: true, agreement: 1 });
    const inApp = classificationPredictions(m, probe).map((p) => p.labels);
    expect(await runExport(r.out, probe, true)).toEqual(inApp);
    expect(inApp[0]).toEqual(['billing', 'shipping']);
    expect(fs.readFileSync(path.join(r.out, 'README.md'), 'utf8')).toContain('sigmoid');
  });

  it('refuses a folder that holds other files, with a sentence saying what to do', async () => {
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const m = fitTextClassifier(train.map((e) => e.text), train.map((e) => e.labels), ['account', 'billing', 'shipping'], false);
    saveTextClassifier(path.join(dir, 'busy-fitted'), m);
    await expect(exportBaseline({ task: 'classification', modelDir: path.join(dir, 'busy-fitted'), out: busy, validation: [], baseline: { validation: {} } })).rejects.toThrow(/already holds other files; choose an empty or new folder/u);
    expect(fs.readFileSync(path.join(busy, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
