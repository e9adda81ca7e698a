import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJob, PYTHON_FILES } from '../../main/cluster/export-job.ts';
import { getRun, listArtifacts, listDatasets, listMetrics, openStore } from '../../main/store/index.ts';
import { createTrainingRun, type RunSpec } from '../../main/train/run-service.ts';
import type { Hyperparameters } from '../../main/train/presets.ts';
import { runCli } from '../engine/run-cli.ts';

// export-job for intent (intent only) and extractive QA runs: job.json repeats the run, the
// Python compiles, train.py runs under the stand-in torch/transformers
// (test/fixtures/cluster/stubs) and writes what `models add` reads, and a trained folder comes
// back as a run the app evaluates. The metric definitions are checked in intent-qa-python.test.ts.
const root = path.resolve(import.meta.dirname, '../..');
const STUBS = path.join(root, 'test/fixtures/cluster/stubs');
const BANKING = path.join(root, 'test/fixtures/train/banking4-240.csv');
const HP: Hyperparameters = { epochs: 30, batchSize: 16, lr: 0.0007, maxLength: 24, warmupRatio: 0.06, weightDecay: 0.02, patience: 5, minDelta: 0, maxGradNorm: 0.5, seed: 21, stride: 8 };
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-intent-qa-job-'));

/** 36 questions on one pattern, every fifth context opening with an emoji (a UTF-16 surrogate pair), every seventh unanswerable. */
function qaFile(file: string): void {
  const people = ['sam stan', 'ada lee', 'bo chen', 'kim park', 'lu wei', 'max roe'];
  const things = ['bridge', 'mill', 'tower', 'market', 'school', 'harbour'];
  const rows = people.flatMap((who, p) =>
    things.map((what, t) => {
      const i = p * things.length + t;
      const context = `${i % 5 === 0 ? '😀 ' : ''}in the old town by the river the ${what} was built by ${who} long ago and many people still visit it every summer to see the view`;
      return { id: `q${i}`, context, question: `who built the ${what}?`, answers: i % 7 === 3 ? [] : [{ text: who, answer_start: context.indexOf(who) }] };
    }),
  );
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** A project per task: import the data, make a run row with these settings (no training), export its job. */
async function exported(name: string, file: string, spec: RunSpec): Promise<{ job: string; runId: number }> {
  const dir = path.join(home, name);
  expect((await runCli(['--home', dir, 'import', file, '--task', spec.task, '--json'])).code).toBe(0);
  const store = openStore(dir);
  try {
    const [d] = listDatasets(store);
    const run = createTrainingRun(store, d!.projectId, d!.id, spec);
    await exportJob(store, dir, run.id, path.join(dir, 'job'));
    return { job: path.join(dir, 'job'), runId: run.id };
  } finally {
    store.close();
  }
}

function trainPy(job: string) {
  const out = path.join(job, '..', 'out');
  fs.mkdirSync(out, { recursive: true });
  const r = spawnSync('python3', [path.join(job, 'train.py'), '--output', out], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: STUBS, PYTHONDONTWRITEBYTECODE: '1', STUB_RECORD: path.join(out, 'record.json') } });
  expect(r.status, r.stderr).toBe(0);
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'));
  return { record: read('record.json'), metrics: read('metrics.json'), info: read('model/bert_studio.json') };
}

/** The job.json keys the given Python files read must be in this job's job.json. */
function expectKeysPresent(job: string, files: string[]): void {
  const spec = JSON.parse(fs.readFileSync(path.join(job, 'job.json'), 'utf8'));
  const py = files.map((f) => fs.readFileSync(path.join(job, f), 'utf8')).join('\n');
  for (const [, k] of py.matchAll(/job\["(\w+)"\]/g)) expect(spec, k).toHaveProperty(k!);
  for (const m of py.matchAll(/hp\["(\w+)"\]|job\["hp"\]\["(\w+)"\]/g)) expect(spec.hp, m[1] ?? m[2]).toHaveProperty((m[1] ?? m[2])!);
  for (const [, k] of py.matchAll(/job\["qa"\]\["(\w+)"\]/g)) expect(spec.qa, k).toHaveProperty(k!);
}

let intent: { job: string; runId: number };
let qa: { job: string; runId: number };

beforeAll(async () => {
  qaFile(path.join(home, 'qa.jsonl'));
  intent = await exported('intent', BANKING, { task: 'intent', base: { kind: 'scratch', size: 'tiny' }, hp: HP, tuneOutOfScope: true });
  qa = await exported('qa', path.join(home, 'qa.jsonl'), { task: 'qa', base: { kind: 'scratch', size: 'tiny' }, hp: HP });
}, 120_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('export-job: intent detection (intent only)', () => {
  it('job.json repeats the run and the Python compiles', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(intent.job, 'job.json'), 'utf8'));
    expect(spec).toMatchObject({ task: 'intent', monitor: 'intent_accuracy', hp: HP, tuneOutOfScope: true, labels: { names: ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'pin_blocked'] }, base: { kind: 'scratch', path: 'base' } });
    expect(spec.labels).not.toHaveProperty('slots');
    const rows = fs.readFileSync(path.join(intent.job, 'data/train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(rows[0]).sort()).toEqual(['intent', 'text']);
    expect(spec.splits.train + spec.splits.validation + spec.splits.test).toBe(240);
    const compiled = spawnSync('python3', ['-m', 'py_compile', ...PYTHON_FILES.map((f) => path.join(intent.job, f))], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(compiled.status, compiled.stderr).toBe(0);
    expectKeysPresent(intent.job, ['train.py', 'studio_intent.py']);
  });

  it('train.py trains a sequence-classification head on the intents, stops by the app’s rule, and writes what models add reads', () => {
    const { record, metrics, info } = trainPy(intent.job);
    expect(record.model_from).toBe(path.join(intent.job, 'base'));
    expect(record.model_options).toMatchObject({ num_labels: 4, problem_type: 'single_label_classification', label2id: { card_arrival: 0, pin_blocked: 3 } });
    expect(record.training_arguments).toMatchObject({ per_device_train_batch_size: 16, num_train_epochs: 30, learning_rate: 0.0007, seed: 21, metric_for_best_model: 'intent_accuracy', train_sampling_strategy: 'group_by_length' });
    const [first, second, ...rest] = record.evaluations as number[];
    expect(first!).toBeLessThan(second!);
    expect(rest).toEqual([1, 1, 1, 1, 1, 1]);
    // The out-of-scope threshold is tuned on validation (0: off, the data has no out-of-scope examples) and kept for the app.
    expect(metrics).toMatchObject({ monitor: 'intent_accuracy', validation: { intent_accuracy: 1, threshold: 0 }, test: { intent_accuracy: 1 } });
    expect(info).toEqual({ task: 'intent', labels: { names: ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'pin_blocked'] }, maxLength: 24, exportedRun: intent.runId, threshold: 0 });
  });

  it('refuses a joint intent + slots run with a sentence (exit 2)', async () => {
    const words = ['play jazz in paris', 'play rock in rome', 'weather in paris', 'weather in rome', 'play pop in oslo', 'weather in oslo'];
    const tags = ['O B-genre O B-city', 'O B-genre O B-city', 'O O B-city', 'O O B-city', 'O B-genre O B-city', 'O O B-city'];
    const csv = ['text,intent,slots', ...Array.from({ length: 30 }, (_, i) => `${words[i % 6]} ${'x'.repeat(1 + (i % 5))},${words[i % 6]!.split(' ')[0]},${tags[i % 6]} O`)].join('\n') + '\n';
    const dir = path.join(home, 'joint');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'joint.csv'), csv);
    expect((await runCli(['--home', dir, 'import', path.join(dir, 'joint.csv'), '--task', 'intent', '--json'])).code).toBe(0);
    const store = openStore(dir);
    try {
      const [d] = listDatasets(store);
      const run = createTrainingRun(store, d!.projectId, d!.id, { task: 'intent', base: { kind: 'scratch', size: 'tiny' }, hp: HP });
      await expect(exportJob(store, dir, run.id, path.join(dir, 'job'))).rejects.toThrow(/joint intent \+ slot-filling run .*intent-only jobs so far/);
    } finally {
      store.close();
    }
    const r = await runCli(['--home', dir, 'export-job', '--run', '1', '--out', path.join(dir, 'job2'), '--json']);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'job2'))).toBe(false);
  });
});

describe('export-job: extractive question answering', () => {
  it('job.json repeats the run (windows, decoding), the answers are in Python’s character units, the Python compiles', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(qa.job, 'job.json'), 'utf8'));
    expect(spec).toMatchObject({ task: 'qa', monitor: 'f1', hp: HP, labels: { names: [], noAnswer: true }, qa: { nBest: 20, maxAnswerLength: 30, nullScoreDiffThreshold: 0 } });
    expect(spec).not.toHaveProperty('tuneOutOfScope');
    // Every answer start indexes the context in code points, as Python slices it (the emoji is one character there, two here).
    const check = spawnSync('python3', ['-c', `import json,sys
rows = [json.loads(l) for s in ('train', 'validation', 'test') for l in open(f"${qa.job}/data/{s}.jsonl")]
bad = [r['id'] for r in rows for a in r['answers'] if r['context'][a['start']:a['start'] + len(a['text'])] != a['text']]
print(json.dumps({'rows': len(rows), 'emoji': sum(1 for r in rows if r['context'].startswith('\\U0001F600')), 'bad': bad}))`], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual({ rows: 36, emoji: 8, bad: [] });
    const compiled = spawnSync('python3', ['-m', 'py_compile', ...PYTHON_FILES.map((f) => path.join(qa.job, f))], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(compiled.status, compiled.stderr).toBe(0);
    expectKeysPresent(qa.job, ['train.py', 'studio_qa.py']);
  });

  it('train.py trains a question-answering head on the windows, scores SQuAD F1 per question, and writes what models add reads', () => {
    const { record, metrics, info } = trainPy(qa.job);
    expect(record.model_from).toBe(path.join(qa.job, 'base'));
    expect(record.model_options).toEqual({});
    expect(record.training_arguments).toMatchObject({ metric_for_best_model: 'f1', greater_is_better: true, load_best_model_at_end: true, seed: 21 });
    const evals = record.evaluations as number[];
    expect(evals[0]!).toBeLessThan(evals[2]!);
    expect(evals).toHaveLength(8);
    expect(metrics.validation.f1).toBeCloseTo(Math.max(...evals), 12);
    expect(Object.keys(metrics.test).sort()).toEqual(['exact_match', 'f1']);
    expect(metrics.test.f1).toBeGreaterThan(0.5);
    expect(info).toEqual({ task: 'qa', labels: { names: [], noAnswer: true }, maxLength: 24, exportedRun: qa.runId });
  });
});

describe('models add brings an intent or QA folder back', () => {
  // What train.py writes stands in as the app's own trained folder (no transformers here), so
  // the imported run must score exactly what the source run scored on the same test split.
  it.each([
    ['intent', BANKING],
    ['qa', 'qa.jsonl'],
  ])('%s: evaluated by the app on the source run’s test split, listed next to it', async (task, data) => {
    const dir = path.join(home, `back-${task}`);
    const t = await runCli(['--home', dir, 'train', '--task', task, '--train', path.resolve(home, data), '--from-scratch', 'tiny', '--epochs', '1', '--batch-size', '8', '--max-length', '32', '--patience', '0', '--seed', '11', '--json']);
    expect(t.code).toBe(0);
    const store = openStore(dir);
    const trainedDir = listArtifacts(store, 1, 'hf')[0]!.path;
    const source = Object.fromEntries(listMetrics(store, 1).filter((m) => m.name.startsWith('final_') && m.split === 'test' && m.name !== 'final_loss').map((m) => [m.name, m.value]));
    store.close();
    const out = path.join(dir, 'output-model');
    fs.cpSync(trainedDir, out, { recursive: true });
    const info = JSON.parse(fs.readFileSync(path.join(out, 'bert_studio.json'), 'utf8'));
    fs.writeFileSync(path.join(out, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 1 }));
    const r = await runCli(['--home', dir, 'models', 'add', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ runId: 2, sourceRun: 1 });
    const check = openStore(dir);
    try {
      expect(getRun(check, 2)).toMatchObject({ status: 'completed', task, bestMetricName: task === 'qa' ? 'f1' : 'intent_accuracy' });
      const imported = Object.fromEntries(listMetrics(check, 2).filter((m) => m.split === 'test').map((m) => [m.name, m.value]));
      expect(Object.keys(source).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(source)) expect(Math.abs((imported[k] ?? NaN) - v), k).toBeLessThan(1e-6);
    } finally {
      check.close();
    }
  }, 120_000);
});
