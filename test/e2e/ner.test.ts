import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/e2e/wnut17-300.conll');

describe('NER: a CoNLL file up to the evaluation', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    // The smallest supported window: the layout must still work at 1024×700.
    h = await openHarness('ner', { width: 1024, height: 700 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('imports a WNUT-17 subset as NER', async () => {
    const { page } = h;
    await page.getByLabel('Project name').fill('Entities');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByLabel('Choose a data file').setInputFiles(FIXTURE);
    await page.getByRole('heading', { name: 'Preview of wnut17-300.conll', exact: true }).waitFor();
    await h.shot('01-data-file');
    await page.getByRole('button', { name: 'Next: choose the task' }).click();
    // CoNLL is recognised as NER without the user choosing.
    await expect(page.getByRole('radio', { name: /Named entities/ }).isChecked()).resolves.toBe(true);
    await h.shot('02-task');
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    await page.getByText('names its own fields').waitFor();
    await page.getByRole('button', { name: 'Check the data' }).click();
    await page.getByText('300 rows are ready to import.').waitFor();
    await h.shot('03-columns-report');
    await page.getByRole('button', { name: 'Import 300 rows' }).click();
    await page.getByRole('heading', { name: 'Base model', exact: true }).waitFor();
  });

  it('trains a tiny model for 2 epochs and shows entity-level evaluation', async () => {
    const { page } = h;
    await page.getByRole('radio', { name: /Tiny/ }).check();
    await page.getByRole('button', { name: 'Next: settings' }).click();
    await page.getByRole('radio', { name: /Quick/ }).check();
    await page.getByText('Advanced: every hyperparameter').click();
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('2');
    await epochs.dispatchEvent('change');
    await page.getByRole('button', { name: 'Start training' }).click();
    const outcome = await Promise.race([
      page.getByRole('heading', { name: 'Training', exact: true }).waitFor().then(() => 'training'),
      page.getByRole('alert').first().waitFor().then(async () => `error: ${await page.getByRole('alert').first().textContent()}`),
    ]);
    expect(outcome).toBe('training');
    await page.getByTestId('run-status').filter({ hasText: /Finished|Failed|Cancelled/ }).waitFor({ timeout: 180_000 });
    await h.shot('04-training');
    expect(await page.getByTestId('run-status').textContent()).toBe('Finished');
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await page.getByTestId('headline').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Per entity type', exact: true }).waitFor();
    await h.shot('05-evaluation');
  });
});
