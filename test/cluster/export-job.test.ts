import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun, listArtifacts, listMetrics, loadExamples, openStore } from '../../main/store/index.ts';
import { classificationScores, rocAuc } from '../../main/tasks/metrics/classification-metrics.ts';
import { seqevalScores } from '../../main/tasks/metrics/seqeval.ts';
import { runCli } from '../engine/run-cli.ts';
import { createApi } from '../../main/api/services/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const DATA = path.join(root, 'test/fixtures/train/banking4-240.csv');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-export-job-'));
const job = path.join(home, 'job');
const readJsonl = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; labels: string[] });

beforeAll(async () => {
  const t = await runCli(['--home', home, 'train', '--task', 'classification', '--train', DATA, '--from-scratch', 'tiny', '--epochs', '2', '--batch-size', '8', '--max-length', '32', '--patience', '0', '--seed', '11', '--json']);
  expect(t.code).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('bert-studio export-job', () => {
  it('writes the run’s splits, settings and initial model, with scripts that compile', async () => {
    const r = await runCli(['--home', home, 'export-job', '--run', '1', '--out', job, '--json']);
    expect(r.code).toBe(0);
    const store = openStore(home);
    try {
      const run = getRun(store, 1)!;
      const spec = JSON.parse(fs.readFileSync(path.join(job, 'job.json'), 'utf8'));
      // The job repeats exactly the run's settings, task, labels and monitored metric.
      expect(spec.hp).toEqual((run.config as { hp: unknown }).hp);
      expect(spec).toMatchObject({ run: 1, task: 'classification', monitor: 'macro_f1', base: { kind: 'scratch', path: 'base', source: 'from-scratch-tiny' } });
      // The same examples the run used: test as stored; train + validation (a 10% hold-out when none was imported) add up to the stored train split.
      const train = readJsonl(path.join(job, 'data/train.jsonl'));
      const validation = readJsonl(path.join(job, 'data/validation.jsonl'));
      const test = readJsonl(path.join(job, 'data/test.jsonl'));
      const stored = (s: 'train' | 'validation' | 'test') => loadExamples<'classification'>(store, run.datasetId!, s).map((e) => e.text).sort();
      expect(test.map((e) => e.text).sort()).toEqual(stored('test'));
      expect([...train, ...validation].map((e) => e.text).sort()).toEqual([...stored('train'), ...stored('validation')].sort());
      expect(train.length + validation.length + test.length).toBe(240);
      expect(spec.labels.names).toEqual([...new Set(train.flatMap((e) => e.labels))].sort());
      expect(spec.splits).toEqual({ train: train.length, validation: validation.length, test: test.length });
      // The base is the model the app started from: the run's vocabulary, its architecture, untrained weights.
      const trainedDir = listArtifacts(store, 1, 'hf')[0]!.path;
      expect(fs.readFileSync(path.join(job, 'base/vocab.txt'), 'utf8')).toBe(fs.readFileSync(path.join(trainedDir, 'vocab.txt'), 'utf8'));
      const baseCfg = JSON.parse(fs.readFileSync(path.join(job, 'base/config.json'), 'utf8'));
      const trainedCfg = JSON.parse(fs.readFileSync(path.join(trainedDir, 'config.json'), 'utf8'));
      expect(baseCfg).toEqual(trainedCfg);
      expect(fs.readFileSync(path.join(job, 'base/model.safetensors')).equals(fs.readFileSync(path.join(trainedDir, 'model.safetensors')))).toBe(false);
    } finally {
      store.close();
    }
    for (const f of ['README.md', 'requirements.txt', 'accelerate_config.yaml', 'train.py', 'studio_metrics.py']) expect(fs.existsSync(path.join(job, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(job, 'requirements.txt'), 'utf8')).toMatch(/^transformers==\d+\.\d+\.\d+$/m);
    expect(fs.readFileSync(path.join(job, 'README.md'), 'utf8')).toMatch(/accelerate launch .*--multi_gpu[\s\S]*torchrun --nnodes/);
    const compiled = spawnSync('python3', ['-m', 'py_compile', ...['train.py', 'studio_metrics.py', 'studio_ner.py'].map((f) => path.join(job, f))], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
  });

  it('train.py reads only keys job.json has', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(job, 'job.json'), 'utf8'));
    const py = fs.readFileSync(path.join(job, 'train.py'), 'utf8');
    const jobKeys = [...py.matchAll(/job\["(\w+)"\]/g)].map((m) => m[1]!);
    const hpKeys = [...py.matchAll(/hp\["(\w+)"\]|job\["hp"\]\["(\w+)"\]/g)].map((m) => (m[1] ?? m[2])!);
    expect(jobKeys.length).toBeGreaterThan(4);
    expect(hpKeys.length).toBeGreaterThan(8);
    for (const k of jobKeys) expect(spec, k).toHaveProperty(k);
    for (const k of hpKeys) expect(spec.hp, k).toHaveProperty(k);
  });

  it('computes the metrics exactly as the app does (studio_metrics.py against main/tasks)', () => {
    const names = ['a', 'b', 'c'];
    const gold = Array.from({ length: 40 }, (_, i) => [names[(i * 7) % 3]!]);
    const pred = Array.from({ length: 40 }, (_, i) => [names[(i * 5 + (i % 4)) % 3]!]);
    const multiGold = gold.map((g, i) => (i % 3 ? g : [...g, 'd']));
    const multiPred = pred.map((p, i) => (i % 5 ? p : []));
    const isPos = gold.map((g) => g[0] === 'b');
    const score = gold.map((_, i) => ((i * 37) % 11) / 11);
    // NER: strict IOB2 spans, with the malformed sequences models produce (I- after O, type switches).
    const TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'I-ORG'];
    const nerGold = Array.from({ length: 30 }, (_, s) => Array.from({ length: 3 + (s % 7) }, (_, i) => TAGS[(s * 3 + i * 5) % 5]!));
    const nerPred = nerGold.map((g, s) => g.map((t, i) => ((s + i) % 4 === 0 ? TAGS[(s + 2 * i) % 6]! : t)));
    const script = `import json,sys; sys.path.insert(0, ${JSON.stringify(job)}); from studio_metrics import *
d = json.load(sys.stdin)
print(json.dumps([classification_scores(d['gold'], d['pred']), classification_scores(d['mg'], d['mp']), roc_auc(d['pos'], d['score']), ner_scores(d['ng'], d['np'])]))`;
    const py = spawnSync('python3', ['-c', script], { input: JSON.stringify({ gold, pred, mg: multiGold, mp: multiPred, pos: isPos, score, ng: nerGold, np: nerPred }), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(py.status, py.stderr).toBe(0);
    const [single, multi, auc, ner] = JSON.parse(py.stdout) as [Record<string, number>, Record<string, number>, number, Record<string, number>];
    const s = seqevalScores(nerGold, nerPred, 'strict');
    expect(s.f1).toBeGreaterThan(0);
    expect(s.f1).toBeLessThan(1);
    for (const [k, v] of Object.entries({ entity_f1: s.f1, entity_precision: s.precision, entity_recall: s.recall, token_accuracy: s.accuracy })) expect(Math.abs(ner[k]! - v), k).toBeLessThan(1e-12);
    const close = (a: Record<string, number>, b: Record<string, number>) => {
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
      for (const k of Object.keys(b)) expect(Math.abs(a[k]! - b[k]!), k).toBeLessThan(1e-12);
    };
    close(single, classificationScores(gold, pred).metrics);
    close(multi, classificationScores(multiGold, multiPred).metrics);
    expect(Math.abs(auc - rocAuc(isPos, score)!)).toBeLessThan(1e-12);
  });

  it('refuses a missing run and a non-empty folder with a sentence (exit 2)', async () => {
    expect((await runCli(['--home', home, 'export-job', '--run', '99', '--out', path.join(home, 'nope'), '--json'])).code).toBe(2);
    expect((await runCli(['--home', home, 'export-job', '--run', '1', '--out', job, '--json'])).code).toBe(2);
    expect((await runCli(['--home', home, 'export-job', '--out', job, '--json'])).code).toBe(2);
  });

  it('brings a model the job trained back as a run evaluated on the source run’s splits', async () => {
    // What train.py writes: a Hugging Face folder whose bert_studio.json names the source run.
    // Here the app's own trained folder stands in for it (no transformers on CI), so the
    // imported run must score exactly what run 1 scored on the same test split.
    const store = openStore(home);
    const trainedDir = listArtifacts(store, 1, 'hf')[0]!.path;
    const source = Object.fromEntries(listMetrics(store, 1).filter((m) => m.name.startsWith('final_') && m.split === 'test').map((m) => [m.name, m.value]));
    store.close();
    const out = path.join(home, 'job-output-model');
    fs.cpSync(trainedDir, out, { recursive: true });
    const info = JSON.parse(fs.readFileSync(path.join(out, 'bert_studio.json'), 'utf8'));
    fs.writeFileSync(path.join(out, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 1 }));

    const r = await runCli(['--home', home, 'models', 'add', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ runId: 2, sourceRun: 1 });
    const check = openStore(home);
    try {
      const run2 = getRun(check, 2)!;
      expect(run2).toMatchObject({ status: 'completed', projectId: getRun(check, 1)!.projectId, datasetId: getRun(check, 1)!.datasetId, bestMetricName: 'macro_f1' });
      const imported = Object.fromEntries(listMetrics(check, 2).filter((m) => m.split === 'test').map((m) => [m.name, m.value]));
      expect(Object.keys(source).length).toBeGreaterThan(3);
      for (const [k, v] of Object.entries(source)) if (k !== 'final_loss') expect(Math.abs((imported[k] ?? NaN) - v), k).toBeLessThan(1e-6);
      expect(listArtifacts(check, 2, 'hf')[0]!.path.startsWith(path.join(home, 'runs', '2'))).toBe(true);
    } finally {
      check.close();
    }
    // A folder from a run this home does not have is refused with a sentence.
    fs.writeFileSync(path.join(out, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 42 }));
    expect((await runCli(['--home', home, 'models', 'add', out, '--json'])).code).toBe(2);
  });

  it('History’s buttons: runs.exportJob writes to a new exports folder, models.importTrained refuses a folder without its source run', async () => {
    const api = await createApi({ home, mode: 'browser' });
    const call = (m: string, p: unknown) => (api.handlers as unknown as Record<string, (p: unknown, c: { caller: string }) => Promise<unknown>>)[m]!(p, { caller: 't' });
    try {
      const first = (await call('runs.exportJob', { runId: 1 })) as { folder: string; files: number };
      const second = (await call('runs.exportJob', { runId: 1 })) as { folder: string };
      expect(first.folder).toBe(path.join(home, 'exports', 'run-1-job'));
      expect(second.folder).toBe(path.join(home, 'exports', 'run-1-job-2'));
      expect(first.files).toBeGreaterThan(10);
      await expect(call('models.importTrained', { path: path.join(first.folder, 'base') })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/does not say which run it was trained from/) });
      await expect(call('models.importTrained', { path: path.join(home, 'nowhere') })).rejects.toMatchObject({ code: 'not_found' });
      const out = path.join(home, 'job-output-model');
      const info = JSON.parse(fs.readFileSync(path.join(out, 'bert_studio.json'), 'utf8'));
      fs.writeFileSync(path.join(out, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 1 }));
      expect(await call('models.importTrained', { path: out })).toMatchObject({ sourceRun: 1, runId: 3 });
    } finally {
      await api.close();
    }
  });
});
