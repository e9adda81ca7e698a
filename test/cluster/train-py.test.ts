import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJob } from '../../main/cluster/export-job.ts';
import { listDatasets, loadExamples, openStore } from '../../main/store/index.ts';
import { seqevalScores } from '../../main/tasks/metrics/seqeval.ts';
import { createTrainingRun } from '../../main/train/run-service.ts';
import type { Hyperparameters } from '../../main/train/presets.ts';
import { runCli } from '../engine/run-cli.ts';

// train.py run for real under Python, with test/fixtures/cluster/stubs standing in for torch and
// transformers (no training): what it asks of TrainingArguments must be the run's settings, its
// early stopping the app's rule, and its output what `models add` reads.
const root = path.resolve(import.meta.dirname, '../..');
const STUBS = path.join(root, 'test/fixtures/cluster/stubs');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-train-py-'));
const job = path.join(home, 'job');
const HP: Hyperparameters = { epochs: 30, batchSize: 16, lr: 0.0007, maxLength: 40, warmupRatio: 0.06, weightDecay: 0.02, patience: 5, minDelta: 0, maxGradNorm: 0.5, seed: 21, stride: 0 };

function train(out: string, env: Record<string, string> = {}, args: string[] = []) {
  const record = path.join(out, 'record.json');
  fs.mkdirSync(out, { recursive: true });
  const r = spawnSync('python3', [path.join(job, 'train.py'), '--output', out, ...args], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: STUBS, PYTHONDONTWRITEBYTECODE: '1', STUB_RECORD: record, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(fs.readFileSync(record, 'utf8')) as { training_arguments: Record<string, unknown>; evaluations: number[]; model_from: string; model_options: Record<string, unknown>; seed: number };
}

beforeAll(async () => {
  expect((await runCli(['--home', home, 'import', path.join(root, 'test/fixtures/train/banking4-240.csv'), '--task', 'classification', '--json'])).code).toBe(0);
  const store = openStore(home);
  try {
    const [d] = listDatasets(store);
    // A run row is enough: export-job needs the run's settings and data, not its training.
    const run = createTrainingRun(store, d!.projectId, d!.id, { task: 'classification', base: { kind: 'scratch', size: 'tiny' }, hp: HP });
    await exportJob(store, home, run.id, job);
  } finally {
    store.close();
  }
}, 120_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('the exported train.py', () => {
  it('asks transformers.Trainer for exactly the run’s settings', () => {
    const r = train(path.join(home, 'out1'));
    expect(r.training_arguments).toMatchObject({
      per_device_train_batch_size: 16,
      num_train_epochs: 30,
      learning_rate: 0.0007,
      weight_decay: 0.02,
      max_grad_norm: 0.5,
      warmup_steps: 0.06,
      lr_scheduler_type: 'linear',
      seed: 21,
      data_seed: 21,
      eval_strategy: 'epoch',
      save_strategy: 'epoch',
      save_only_model: true,
      save_total_limit: 2,
      load_best_model_at_end: true,
      metric_for_best_model: 'macro_f1',
      greater_is_better: true,
      train_sampling_strategy: 'group_by_length',
      use_cpu: false,
    });
    expect(r.seed).toBe(21);
    expect(r.model_from).toBe(path.join(job, 'base'));
    expect(r.model_options).toMatchObject({ num_labels: 4, problem_type: 'single_label_classification' });
  });

  it('stops early by the app’s rule and writes what models add reads', () => {
    const out = path.join(home, 'out2');
    const r = train(out);
    // Improves at evaluations 1–3, then 5 without improvement: patience 5 stops after the 8th.
    const [first, second, ...rest] = r.evaluations;
    expect(first!).toBeLessThan(second!);
    expect(second!).toBeLessThan(1);
    expect(rest).toEqual([1, 1, 1, 1, 1, 1]);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ run: 1, monitor: 'macro_f1', world_size: 1, validation: { accuracy: 1, macro_f1: 1 }, test: { accuracy: 1 } });
    expect(metrics.test).not.toHaveProperty('runtime');
    const info = JSON.parse(fs.readFileSync(path.join(out, 'model/bert_studio.json'), 'utf8'));
    expect(info).toEqual({ task: 'classification', labels: { names: ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'pin_blocked'], multiLabel: false }, maxLength: 40, exportedRun: 1 });
    expect(fs.existsSync(path.join(out, 'model/vocab.txt'))).toBe(true);
  });

  it('keeps the global batch across processes and trains CPU processes with gloo', () => {
    const r = train(path.join(home, 'out3'), { WORLD_SIZE: '2' }, ['--cpu']);
    expect(r.training_arguments).toMatchObject({ per_device_train_batch_size: 8, use_cpu: true, ddp_backend: 'gloo' });
  });

  it('one CPU process (accelerate launch --cpu) asks for no process-group backend', () => {
    // With a backend and no process group, accelerate 1.15 asks torch.distributed for the
    // world size and stops (found running the job with real transformers 5.17 on a CPU).
    const r = train(path.join(home, 'out3b'), {}, ['--cpu']);
    expect(r.training_arguments).toMatchObject({ per_device_train_batch_size: 16, use_cpu: true });
    expect(r.training_arguments.ddp_backend ?? null).toBeNull();
  });

  it('repeats an NER run: word-level tags, the app’s entity rule, every word counted at the end', async () => {
    const nerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-train-py-ner-'));
    try {
      expect((await runCli(['--home', nerHome, 'import', path.join(root, 'test/fixtures/e2e/wnut17-300.conll'), '--task', 'ner', '--json'])).code).toBe(0);
      const store = openStore(nerHome);
      const nerJob = path.join(nerHome, 'job');
      let gold: string[][];
      try {
        const [d] = listDatasets(store);
        const run = createTrainingRun(store, d!.projectId, d!.id, { task: 'ner', base: { kind: 'scratch', size: 'tiny' }, hp: { ...HP, maxLength: 12 } });
        await exportJob(store, nerHome, run.id, nerJob);
        gold = loadExamples<'ner'>(store, d!.id, 'test').map((e) => e.tags);
      } finally {
        store.close();
      }
      const spec = JSON.parse(fs.readFileSync(path.join(nerJob, 'job.json'), 'utf8'));
      expect(spec).toMatchObject({ task: 'ner', monitor: 'entity_f1' });
      expect(spec.labels.names[0]).toBe('O');
      const out = path.join(nerHome, 'out');
      fs.mkdirSync(out);
      const r = spawnSync('python3', [path.join(nerJob, 'train.py'), '--output', out], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: STUBS, PYTHONDONTWRITEBYTECODE: '1', STUB_RECORD: path.join(out, 'record.json') } });
      expect(r.status, r.stderr).toBe(0);
      const record = JSON.parse(fs.readFileSync(path.join(out, 'record.json'), 'utf8'));
      expect(record.model_options).toMatchObject({ num_labels: spec.labels.names.length });
      expect(record.evaluations[0]).toBeLessThan(record.evaluations[2]);
      // The stand-in model says 'O' everywhere: the final test metrics must be the app's for that,
      // over every word of the test split — including words max length 12 cut off.
      const allO = seqevalScores(gold, gold.map((g) => g.map(() => 'O')), 'strict');
      const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
      expect(metrics.test).toEqual({ entity_f1: 0, entity_precision: 0, entity_recall: 0, token_accuracy: expect.closeTo(allO.accuracy, 12) });
      expect(JSON.parse(fs.readFileSync(path.join(out, 'model/bert_studio.json'), 'utf8'))).toMatchObject({ task: 'ner', exportedRun: 1 });
    } finally {
      fs.rmSync(nerHome, { recursive: true, force: true });
    }
  });
});
