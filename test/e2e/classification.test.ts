import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { goTo, openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/e2e/banking77-600.csv');
const TRAINING_TIMEOUT = 180_000;

// The whole journey of issue 7 in a real browser against the real backend: no mocked API.
describe('classification: from a CSV to an exported ONNX model', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('classification');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a project', async () => {
    const { page } = h;
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Try the Banking77 support tickets sample' }).waitFor();
    await h.shot('01-projects');
    await page.getByLabel('Project name').fill('Support tickets');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Data file', exact: true }).waitFor();
  });

  it('uploads banking77-600 and previews it', async () => {
    const { page } = h;
    await page.getByLabel('Choose a data file').setInputFiles(FIXTURE);
    await page.getByRole('heading', { name: 'Preview of banking77-600.csv', exact: true }).waitFor();
    await expect(page.getByRole('table', { name: 'First rows of the file' }).locator('tbody tr').count()).resolves.toBeGreaterThan(5);
    await h.shot('02-data-file');
    await page.getByRole('button', { name: 'Next: choose the task' }).click();
  });

  it('picks classification', async () => {
    const { page } = h;
    await page.getByRole('heading', { name: 'Task', exact: true }).waitFor();
    await page.getByRole('radio', { name: /Text classification/ }).check();
    await h.shot('03-task');
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
  });

  it('checks the data and imports it', async () => {
    const { page } = h;
    await page.getByRole('heading', { name: 'Columns & checks', exact: true }).waitFor();
    await expect(page.getByLabel('Text', { exact: true }).inputValue()).resolves.toBe('text');
    await expect(page.getByLabel('Label', { exact: true }).inputValue()).resolves.toBe('label');
    await page.getByRole('button', { name: 'Check the data' }).click();
    await page.getByText('600 rows are ready to import.').waitFor();
    await page.getByRole('heading', { name: 'Labels (20)', exact: true }).waitFor();
    await h.shot('04-columns-report');
    await page.getByRole('button', { name: 'Import 600 rows' }).click();
    await page.getByRole('heading', { name: 'Base model', exact: true }).waitFor();
  });

  it('picks a tiny model from scratch, with the warning shown', async () => {
    const { page } = h;
    await page.getByText('much weaker than a pretrained one').waitFor();
    await page.getByRole('radio', { name: /Tiny/ }).check();
    await h.shot('05-base-model');
    await page.getByRole('button', { name: 'Next: settings' }).click();
  });

  it('sets 2 epochs and starts training', async () => {
    const { page } = h;
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await page.getByRole('radio', { name: /Quick/ }).check();
    await page.getByText('Advanced: every hyperparameter').click();
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('2');
    await epochs.dispatchEvent('change');
    await h.shot('06-settings');
    await page.getByRole('button', { name: 'Start training' }).click();
    // If the trainer is missing, the screen says so in a sentence; fail with that sentence.
    const outcome = await Promise.race([
      page.getByRole('heading', { name: 'Training', exact: true }).waitFor().then(() => 'training'),
      page.getByRole('alert').first().waitFor().then(async () => `error: ${await page.getByRole('alert').first().textContent()}`),
    ]);
    expect(outcome).toBe('training');
  });

  it('shows the chart updating and the run finishing', async () => {
    const { page } = h;
    const points = page.getByTestId('chart-points');
    await page.waitForFunction(() => /^[1-9]\d* training points/.test(document.querySelector('[data-testid="chart-points"]')?.textContent ?? ''), undefined, { timeout: TRAINING_TIMEOUT });
    const first = await points.textContent();
    await h.shot('07-training-live');
    await page.getByTestId('run-status').filter({ hasText: /Finished|Failed|Cancelled/ }).waitFor({ timeout: TRAINING_TIMEOUT });
    expect(await page.getByTestId('run-status').textContent()).toBe('Finished');
    expect(await points.textContent()).not.toBe(first);
    await page.waitForFunction(() => /[1-9]\d* evaluations/.test(document.querySelector('[data-testid="chart-points"]')?.textContent ?? ''));
    await h.shot('08-training-finished');
  });

  it('shows the run where it is after a reload', async () => {
    const { page } = h;
    const before = await page.getByTestId('chart-points').textContent();
    await page.reload();
    await page.getByRole('heading', { name: 'Training', exact: true }).waitFor();
    await page.getByTestId('run-status').filter({ hasText: 'Finished' }).waitFor();
    await page.waitForFunction((text) => document.querySelector('[data-testid="chart-points"]')?.textContent === text, before);
  });

  it('opens the evaluation', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await page.getByTestId('headline').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('headline').textContent()).toMatch(/\d+%/);
    await page.getByRole('table', { name: /Confusion matrix/ }).waitFor();
    const cell = page.getByRole('table', { name: /Confusion matrix/ }).locator('button:not([disabled])').first();
    await cell.click();
    await page.getByRole('heading', { name: /^Labelled .* predicted / }).waitFor();
    await h.shot('09-evaluation');
  });

  it('tries a sentence', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Next: try it' }).click();
    await page.getByLabel('Text', { exact: true }).fill('My new card has still not arrived, where is it?');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.getByTestId('top-label').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('top-label').textContent()).toMatch(/\w+ \(\d+%\)/);
    await h.shot('10-try-it');
  });

  it('exports ONNX and the file exists', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Next: export' }).click();
    await page.getByRole('heading', { name: 'Export', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const exported = page.getByTestId('export-path').first();
    await exported.waitFor({ timeout: 120_000 });
    await page.getByText('Verified').first().waitFor();
    const file = (await exported.textContent())?.trim() ?? '';
    expect(file.startsWith(h.home)).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
    const onnx = fs.statSync(file).isDirectory() ? fs.readdirSync(file).find((f) => f.endsWith('.onnx')) : path.basename(file);
    expect(onnx).toMatch(/\.onnx$/);
    await h.shot('11-export');
  });

  it('shows the run in the history', async () => {
    const { page } = h;
    await goTo(page, 'History');
    await page.getByRole('table', { name: 'Runs side by side' }).waitFor();
    await h.shot('12-history');
  });

  it('follows the dark theme of the OS', async () => {
    const { page } = h;
    await page.emulateMedia({ colorScheme: 'dark' });
    await goTo(page, 'Evaluation');
    await page.getByTestId('headline').waitFor();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(21, 24, 28)');
    await h.shot('13-evaluation-dark');
    await goTo(page, 'Projects');
    await page.getByRole('button', { name: 'Open', exact: true }).waitFor();
    await h.shot('14-projects-dark');
  });
});
