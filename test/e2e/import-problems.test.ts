import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/e2e/tickets-with-problems.csv');

describe('import report: problems by row, before anything is stored', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('problems');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists errors with row numbers and samples, and blocks the import', async () => {
    const { page } = h;
    await page.getByLabel('Project name').fill('Messy tickets');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByLabel('Choose a data file').setInputFiles(FIXTURE);
    await page.getByRole('button', { name: 'Next: choose the task' }).click();
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    await page.getByRole('button', { name: 'Check the data' }).click();
    await page.getByText(/problems? must be fixed in the file before importing/).waitFor();
    const errors = page.locator('details.error');
    expect(await errors.count()).toBeGreaterThan(0);
    const rows = await errors.locator('tbody tr td:first-child').allTextContents();
    expect(rows).toEqual(expect.arrayContaining(['11', '21']));
    expect(await page.getByRole('button', { name: /^Import \d+ rows$/ }).isDisabled()).toBe(true);
    await h.shot('01-report-with-errors');
  });
});
