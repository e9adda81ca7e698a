import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { goTo, openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');

// Issue 15 in a real browser: a run trained (by the CLI, one epoch of a tiny model from scratch:
// seconds) on 240 tickets shows its keyword baseline on Training, Evaluation and History, the
// advice says the baseline wins, and the baseline exports to ONNX from the Evaluation screen.
describe('baselines: shown where decisions are made', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('baseline');
    execFileSync(process.execPath, ['bin/bert-studio.mjs', '--home', h.home, 'train', '--task', 'classification', '--train', FIXTURE, '--project', 'Tickets', '--from-scratch', 'tiny', '--epochs', '1', '--json'], { stdio: 'pipe' });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('draws the baseline on the Training screen and gives the advice', async () => {
    const { page } = h;
    await page.reload();
    await page.getByRole('button', { name: 'Tickets', exact: true }).click();
    await page.getByTestId('run-status').filter({ hasText: 'Finished' }).waitFor();
    expect(await page.getByTestId('run-baseline').textContent()).toMatch(/^The keyword baseline, trained in [\d.]+ s on the same data, reaches validation Macro F1 0\.\d{4}: the line the model has to beat\.$/);
    expect(await page.getByTestId('baseline-advice').textContent()).toMatch(/^The keyword baseline beats this model on validation \(macro F1 \d+ % against \d+ %\): train from a pretrained base model instead of from scratch, add labelled examples, or export the keyword baseline itself \(smaller and faster\)\.$/);
    await h.shot('01-training');
  });

  it('compares the Evaluation headline with the baseline and exports the baseline to ONNX', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    const compare = page.getByTestId('baseline-compare');
    await compare.waitFor({ timeout: 60_000 });
    expect(await compare.textContent()).toMatch(/^BERT: \d+ % correct · keyword baseline: \d+ %$/);
    await page.getByTestId('baseline-advice').waitFor();
    await page.getByRole('button', { name: 'Export the keyword baseline to ONNX' }).click();
    const done = page.getByTestId('baseline-exported');
    await done.waitFor({ timeout: 60_000 });
    const text = (await done.textContent()) ?? '';
    expect(text).toMatch(/Checked in ONNX Runtime on \d+ validation examples: scores within .* of the app's, 100% identical predictions\./);
    const folder = /^Saved to (.+?)\. Checked/.exec(text)?.[1] ?? '';
    expect(folder.startsWith(h.home)).toBe(true);
    expect(fs.readdirSync(folder).sort()).toEqual(['README.md', 'labels.json', 'model.onnx', 'words.txt']);
    await h.shot('02-evaluation');
  });

  it('lists the baseline next to the model in History', async () => {
    const { page } = h;
    await goTo(page, 'History');
    const table = page.getByRole('table', { name: 'Runs side by side' });
    await table.waitFor();
    await expect(table.getByRole('row', { name: /^Baseline/ }).textContent()).resolves.toMatch(/keyword baseline 0\.\d{4}/);
    await h.shot('03-history');
  });
});
