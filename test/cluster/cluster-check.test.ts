import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listArtifacts, openStore } from '../../main/store/index.ts';

// scripts/cluster-check.sh needs PyTorch + transformers for its `run` step, which this machine
// does not have: here the Node and Python pieces around it run for real (prepare, the
// comparison, the import back), and the cluster's output is stood in for by the app's own model.
const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts/cluster-check.sh');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cluster-check-'));
const sh = (args: string[], env: Record<string, string> = {}) => spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
const checks = () => fs.readFileSync(path.join(out, 'checks.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { check?: string; ok: boolean });

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('scripts/cluster-check.sh pieces that run without PyTorch', () => {
  it('prepare: one app run and one exported job per seed, and the mean the cluster must match', () => {
    const r = sh(['prepare', out], { CLUSTER_EPOCHS: '2', CLUSTER_SEEDS: '5 1' });
    expect(r.status, r.stderr).toBe(0);
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'));
    const [s5, s1, mean] = [read('app-metrics-s5.json'), read('app-metrics-s1.json'), read('app-metrics.json')];
    expect(s5.test.accuracy).toBeGreaterThan(0);
    expect(mean.test.accuracy).toBeCloseTo((s5.test.accuracy + s1.test.accuracy) / 2, 12);
    expect(mean.test.macro_f1).toBeCloseTo((s5.test.macro_f1 + s1.test.macro_f1) / 2, 12);
    expect(mean.per_run_test.accuracy).toEqual([s5.test.accuracy, s1.test.accuracy]);
    // Each seed's job carries its own run (and so its own initial weights).
    expect(read('job/job.json')).toMatchObject({ run: 1, hp: { seed: 5 }, splits: { train: 669, validation: 143, test: 143 } });
    expect(read('job-s1/job.json')).toMatchObject({ run: 2, hp: { seed: 1 } });
  }, 240_000);

  it('mean: hand-checked averages and spread; a seed whose run left no metrics fails (exit 2)', () => {
    const dir = fs.mkdtempSync(path.join(out, 'mean-'));
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    fs.writeFileSync(a, JSON.stringify({ test: { accuracy: 0.9, macro_f1: 0.8 } }));
    fs.writeFileSync(b, JSON.stringify({ test: { accuracy: 0.96, macro_f1: 0.9 } }));
    const mean = (...files: string[]) => spawnSync('python3', [path.join(root, 'scripts/cluster-check/mean.py'), path.join(dir, 'mean.json'), 'x', ...files], { encoding: 'utf8' });
    const ok = mean(a, b);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, runs: 2, test_accuracy: { min: 0.9, max: 0.96 } });
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'mean.json'), 'utf8'));
    expect(m.test.accuracy).toBeCloseTo(0.93, 12);
    expect(m.test.macro_f1).toBeCloseTo(0.85, 12);
    const missing = mean(a, path.join(dir, 'none.json'));
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false });
  });

  it('run: says in one sentence what is missing when PyTorch is not there (exit 2)', () => {
    const probe = spawnSync('python3', ['-c', 'import torch, transformers, accelerate']);
    if (probe.status === 0) return; // a machine with PyTorch runs the real thing in gpu-check.sh
    const r = sh(['run', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot import torch, transformers and accelerate/);
  });

  it('compare: within the tolerance passes, 0.05 off fails', () => {
    const app = JSON.parse(fs.readFileSync(path.join(out, 'app-metrics.json'), 'utf8'));
    const file = path.join(out, 'off.json');
    const compare = (m: unknown) => {
      fs.writeFileSync(file, JSON.stringify(m));
      return spawnSync('python3', [path.join(root, 'scripts/cluster-check/compare.py'), path.join(out, 'app-metrics.json'), file], { encoding: 'utf8' });
    };
    expect(compare({ test: { accuracy: app.test.accuracy + 0.015, macro_f1: app.test.macro_f1 - 0.015 } }).status).toBe(0);
    const off = compare({ test: { accuracy: app.test.accuracy, macro_f1: app.test.macro_f1 - 0.05 } });
    expect(off.status).toBe(1);
    expect(JSON.parse(off.stdout)).toMatchObject({ ok: false });
    expect(compare({ test: { accuracy: 1 } }).status).toBe(2);
  });

  it('import: brings the trained folder back and checks the app’s evaluation of it', () => {
    const store = openStore(path.join(out, 'home'));
    const trained = listArtifacts(store, 1, 'hf')[0]!.path;
    store.close();
    // What train.py leaves in output/: the model folder (naming its source run) and metrics.json.
    const model = path.join(out, 'gpu1/model');
    fs.cpSync(trained, model, { recursive: true });
    const info = JSON.parse(fs.readFileSync(path.join(model, 'bert_studio.json'), 'utf8'));
    fs.writeFileSync(path.join(model, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 1 }));
    fs.copyFileSync(path.join(out, 'app-metrics-s5.json'), path.join(out, 'gpu1/metrics.json'));
    const r = sh(['import', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(checks().filter((c) => c.check?.startsWith('import-back'))).toEqual([expect.objectContaining({ check: 'import-back-vs-cluster', ok: true })]);
  }, 60_000);
});
