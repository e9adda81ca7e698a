// exportModel on a model trained here (tiny, from scratch, 2 epochs): every format is written,
// loaded back, checked, and reproduces the in-app model; plus the export CLI on a stored run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder, createEngineModel } from '../../main/engine/api.ts';
import { createSession } from '../../main/engine/runtime.ts';
import { exportModel } from '../../main/export/export.ts';
import { readOnnxMetadata, studioInfoFromMetadata } from '../../main/export/onnx-metadata.ts';
import { predictTexts, releasePredictTexts } from '../../main/export/predict.ts';
import { runOnnxBatch } from '../../main/export/predictor.ts';
import { listArtifacts, loadExamples, openStore } from '../../main/store/index.ts';
import { collate } from '../../main/tasks/collate.ts';
import { loadTrainedModel } from '../../main/train/trained-model.ts';
import { ROOT, runCli, tempDir } from '../data/helpers.ts';

let home: string;
let cleanup: () => void;
let modelDir: string;
let validation: unknown[];

beforeAll(async () => {
  ({ dir: home, cleanup } = tempDir('bert-studio-export-'));
  const r = await runCli(['--home', home, 'train', '--task', 'classification', '--train', path.join(ROOT, 'test/fixtures/train/banking4-240.csv'), '--from-scratch', 'tiny', '--epochs', '2', '--json'], 120_000);
  expect(r.code, r.stderr).toBe(0);
  modelDir = String(r.json?.out);
  const store = openStore(home);
  validation = loadExamples(store, 1, 'validation');
  store.close();
}, 180_000);
afterAll(async () => {
  await releasePredictTexts();
  cleanup();
});

/** In-app logits and the logits of an exported .onnx file for the same validation texts. */
async function inAppAndFile(file: string): Promise<{ app: Float32Array; onnx: Float32Array }> {
  const trained = await loadTrainedModel(modelDir);
  const session = await createSession(file);
  try {
    const features = trained.task.features(validation.slice(0, 16), trained.tokenizer, { maxLength: trained.info.maxLength, labels: trained.info.labels });
    const batch = collate(features, trained.tokenizer.special.pad.id, trained.task.headSpec(trained.info.labels));
    const app = (await trained.model.forward({ ...batch, labels: undefined })).logits!;
    const onnx = (await runOnnxBatch(session, batch)).logits!;
    return { app, onnx };
  } finally {
    await session.release();
    await trained.dispose();
  }
}

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('exportModel', () => {
  it('ONNX fp32: file + tokenizer + labels.json + card, metadata, verified within 1e-4, and run from the file it gives the in-app logits', async () => {
    const out = path.join(home, 'exports/onnx');
    const stages: string[] = [];
    const r = await exportModel({ modelDir, format: 'onnx', out, validation }, { onProgress: (p) => stages.push(p.stage) });
    expect(r.files).toEqual(expect.arrayContaining(['model.onnx', 'vocab.txt', 'tokenizer_config.json', 'labels.json', 'README.md']));
    expect(stages).toEqual(['loading', 'exporting', 'writing', 'verifying', 'done']);
    expect(r.verification).toMatchObject({ loadedWith: 'onnxruntime', examples: 24, labelled: true, passed: true, tolerance: 1e-4, agreement: 1 });
    expect(r.verification.maxDifference).toBeLessThan(1e-4);
    expect(r.verification.metrics?.change).toBe(0);

    const meta = readOnnxMetadata(r.file);
    expect(meta).toMatchObject({ task: 'classification', max_length: '128', precision: 'fp32' });
    expect(JSON.parse(meta.labels)).toEqual({ 0: 'card_arrival', 1: 'exchange_rate', 2: 'lost_or_stolen_card', 3: 'pin_blocked' });
    expect(studioInfoFromMetadata(r.file, meta).labels.names).toHaveLength(4);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'labels.json'), 'utf8'))).toMatchObject({ task: 'classification', label2id: { pin_blocked: 3 } });
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    for (const s of ['text classification', 'onnxruntime', 'onnxruntime-node', 'Verification', '24 validation examples']) expect(card).toContain(s);

    const { app, onnx } = await inAppAndFile(r.file);
    expect(maxAbs(onnx, app)).toBeLessThan(1e-4);
  });

  it('the model card’s Node snippet runs as written next to the export and predicts what the app predicts', async () => {
    const out = path.join(home, 'exports/onnx');
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    const js = /```js\n([\s\S]*?)```/.exec(card)?.[1];
    expect(js).toBeDefined();
    // The card says `npm install onnxruntime-node tokenizers`; here they resolve to this checkout's copies.
    const require = createRequire(import.meta.url);
    const script = js!
      .replace(/from 'onnxruntime-node'/, `from '${pathToFileURL(require.resolve('onnxruntime-node')).href}'`)
      .replace(/from 'tokenizers'/, `from '${pathToFileURL(require.resolve('tokenizers')).href}'`);
    fs.writeFileSync(path.join(out, 'run.mjs'), script + '\nconsole.log(JSON.stringify(ids));\n');
    const run = spawnSync(process.execPath, ['run.mjs'], { cwd: out, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [label, ids] = run.stdout.trim().split('\n');
    const trained = await loadTrainedModel(modelDir);
    expect(JSON.parse(ids)).toEqual(trained.tokenizer.encode('Your text here').ids);
    await trained.dispose();
    const [app] = await predictTexts(modelDir, ['Your text here']);
    expect(label).toBe(app.prediction);
  });

  it('int8 ONNX: ≥3× smaller, predictions mostly agree, metric change reported', async () => {
    const fp32 = await exportModel({ modelDir, format: 'onnx', out: path.join(home, 'exports/fp32-for-int8') });
    const r = await exportModel({ modelDir, format: 'onnx-int8', out: path.join(home, 'exports/int8'), validation });
    expect(path.basename(r.file)).toBe('model.int8.onnx');
    expect(fp32.bytes / r.bytes).toBeGreaterThanOrEqual(3);
    expect(r.quantization).toMatchObject({ scheme: 'dynamic', embeddings: 2 });
    expect(r.quantization!.dense).toBeGreaterThanOrEqual(12); // 2 layers × 6 dense + pooler
    expect(r.verification).toMatchObject({ tolerance: null, passed: true, labelled: true, metrics: { name: 'macro_f1' } });
    expect(r.verification.agreement).toBeGreaterThanOrEqual(0.8);
    expect(r.verification.maxDifference).toBeGreaterThan(0); // really quantized
    const { app, onnx } = await inAppAndFile(r.file);
    expect(maxAbs(onnx, app)).toBeLessThan(0.05);
    expect(fs.readFileSync(path.join(r.out, 'README.md'), 'utf8')).toContain('## Quantization');
  });

  it('Hugging Face folder: HF config and names; loading it again gives identical logits', async () => {
    const out = path.join(home, 'exports/hf');
    const r = await exportModel({ modelDir, format: 'hf', out, validation });
    expect(r.verification).toMatchObject({ loadedWith: 'engine', passed: true, maxDifference: 0 });
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', architectures: ['BertForSequenceClassification'], id2label: { 0: 'card_arrival' }, label2id: { card_arrival: 0 } });
    const again = loadModelFolder(out);
    const orig = loadModelFolder(modelDir);
    expect([...again.weights.keys()].sort()).toEqual([...orig.weights.keys()].sort());
    expect([...again.weights.keys()]).toEqual(expect.arrayContaining(['bert.embeddings.word_embeddings.weight', 'bert.pooler.dense.weight', 'classifier.weight']));
    const head = { kind: 'sequence-classification' as const, numLabels: 4 };
    const adamw = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, maxGradNorm: 0 };
    const [a, b] = await Promise.all([createEngineModel({ config: again.config, head, weights: again.weights, adamw }), createEngineModel({ config: orig.config, head, weights: orig.weights, adamw })]);
    const batch = { batch: 1, seq: 5, inputIds: BigInt64Array.of(2n, 40n, 41n, 42n, 3n), attentionMask: BigInt64Array.of(1n, 1n, 1n, 1n, 1n) };
    expect(Array.from((await a.forward(batch)).logits!)).toEqual(Array.from((await b.forward(batch)).logits!));
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('refuses to overwrite a folder that holds something else, and leaves it alone', async () => {
    const out = path.join(home, 'not-an-export');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'thesis.docx'), 'precious');
    await expect(exportModel({ modelDir, format: 'onnx', out })).rejects.toThrow(/already holds other files/);
    expect(fs.readdirSync(out)).toEqual(['thesis.docx']);
  });
});

describe('bert-studio export', () => {
  it('exports a run, checks it on the run’s validation split and records the artifact', async () => {
    const out = path.join(home, 'cli-export');
    const r = await runCli(['--home', home, 'export', '--run', '1', '--format', 'onnx', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ run: 1, format: 'onnx', verification: { labelled: true, examples: 24, passed: true } });
    const store = openStore(home);
    const artifacts = listArtifacts(store, 1, 'onnx');
    store.close();
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({ path: path.join(out, 'model.onnx'), size: fs.statSync(path.join(out, 'model.onnx')).size, sha256: r.json?.sha256 });
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toMatch(/\| macro_f1 \| [0-9.]+ \| [0-9.]+ \|/);
  });

  it('checks a --model export on a --data file (64 of its labelled rows)', async () => {
    const r = await runCli(['export', '--model', modelDir, '--format', 'hf', '--out', path.join(home, 'cli-hf'), '--data', path.join(ROOT, 'test/fixtures/train/banking4-240.csv'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ run: null, format: 'hf', verification: { labelled: true, examples: 64, maxDifference: 0, loadedWith: 'engine' } });
  });

  it('exits 2 with a sentence for a missing --out, an unknown run, or an unknown format', async () => {
    const noOut = await runCli(['--home', home, 'export', '--run', '1', '--format', 'onnx']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out DIR is required/);
    const noRun = await runCli(['--home', home, 'export', '--run', '42', '--format', 'onnx', '--out', path.join(home, 'x')]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/There is no run 42/);
    const badFormat = await runCli(['--home', home, 'export', '--run', '1', '--format', 'tflite', '--out', path.join(home, 'x')]);
    expect(badFormat.code).toBe(2);
    expect(fs.existsSync(path.join(home, 'x'))).toBe(false);
  });
});
