import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listArtifacts, listRuns, openStore } from '../../main/store/index.ts';
import { runCli } from '../engine/run-cli.ts';
import { goTo, openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');

// Issue 14, part 3 in a real browser: History writes a run as a cluster job, and "Import a
// trained model" brings a job's output back as a run next to it. The cluster itself is stood in
// for by the run's own model folder (no PyTorch here; scripts/cluster-check.sh runs the real one).
describe('History: to a cluster and back', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('cluster');
    const t = await runCli(['--home', h.home, 'train', '--task', 'classification', '--train', FIXTURE, '--project', 'Tickets', '--from-scratch', 'tiny', '--epochs', '2', '--batch-size', '8', '--max-length', '32', '--json']);
    expect(t.code).toBe(0);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('exports the run as a cluster job from History', async () => {
    const { page } = h;
    await page.reload();
    await page.getByRole('button', { name: 'Tickets', exact: true }).click();
    await goTo(page, 'History');
    await page.getByRole('button', { name: 'Export run 1 as a cluster job' }).click();
    const msg = page.getByTestId('cluster-exported');
    await msg.waitFor();
    const folder = path.join(h.home, 'exports', 'run-1-job');
    expect(await msg.textContent()).toContain(folder);
    for (const f of ['train.py', 'job.json', 'README.md', 'requirements.txt', 'accelerate_config.yaml', 'data/test.jsonl', 'base/model.safetensors']) expect(fs.existsSync(path.join(folder, f)), f).toBe(true);
    await h.shot('01-exported');
  });

  it('imports the job’s trained model and shows it next to the run', async () => {
    const { page } = h;
    const store = openStore(h.home);
    const trained = listArtifacts(store, 1, 'hf')[0]!.path;
    store.close();
    // What train.py leaves in output/model: a Hugging Face folder naming its source run.
    const out = path.join(h.home, 'exports', 'run-1-job', 'output', 'model');
    fs.cpSync(trained, out, { recursive: true });
    const info = JSON.parse(fs.readFileSync(path.join(out, 'bert_studio.json'), 'utf8'));
    fs.writeFileSync(path.join(out, 'bert_studio.json'), JSON.stringify({ ...info, exportedRun: 1 }));
    await page.getByLabel(/Import a trained model/).fill(out);
    await page.getByRole('button', { name: 'Import a trained model' }).click();
    const msg = page.getByTestId('cluster-imported');
    await msg.waitFor({ timeout: 60_000 });
    expect(await msg.textContent()).toMatch(/^Imported as run 2, next to run 1: on its test split/);
    await page.getByRole('button', { name: 'Open run 2' }).waitFor();
    await h.shot('02-imported');
    const check = openStore(h.home);
    try {
      expect(listRuns(check, {}).map((r) => [r.id, r.status])).toEqual(expect.arrayContaining([[2, 'completed'], [1, 'completed']]));
    } finally {
      check.close();
    }
  });
});
