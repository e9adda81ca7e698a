import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

// The WNUT-17 entity-questions sample from "Try a sample" to an answer highlighted in a context.
describe('question answering from the sample', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('qa');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('trains one epoch on the WNUT-17 entity-questions sample', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Try the WNUT-17 entity questions sample' }).click();
    await page.getByRole('heading', { name: 'Base model', exact: true }).waitFor();
    await page.getByRole('radio', { name: /Tiny/ }).check();
    await page.getByRole('button', { name: 'Next: settings' }).click();
    await page.getByRole('radio', { name: /Quick/ }).check();
    await page.getByText('Advanced: every hyperparameter').click();
    for (const [label, value] of [['Epochs', '1'], ['Max length (tokens)', '64']]) {
      const input = page.getByLabel(label, { exact: true });
      await input.fill(value);
      await input.dispatchEvent('change');
    }
    await h.shot('01-settings');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').filter({ hasText: /Finished|Failed|Cancelled/ }).waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('run-status').textContent()).toBe('Finished');
    await h.shot('02-training');
  });

  it('shows questions with gold and predicted spans, and answers a new question', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await page.getByTestId('headline').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('headline').textContent()).toMatch(/^Finds exactly the right answer for \d+% of the \d+ test questions/);
    await h.shot('03-evaluation');
    await page.getByRole('button', { name: 'Next: try it' }).click();
    await page.getByLabel('Question', { exact: true }).fill('How many points did the defense give up?');
    await page.getByLabel('Context', { exact: true }).fill('The Panthers defense gave up just 308 points, ranking sixth in the league, while also leading the NFL in interceptions with 24.');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.getByRole('heading', { name: 'Prediction', exact: true }).waitFor({ timeout: 60_000 });
    await h.shot('04-try-it');
  });
});
