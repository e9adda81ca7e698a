import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { goTo, openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

describe('Try a sample: a new user with no data', () => {
  let h: Harness;
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    h = await openHarness('sample');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('opens the Banking77 intents sample as a project, ready to train', async () => {
    const { page } = h;
    // Each card says what its default run ends with (measured; README "Samples and the demo").
    const samples = page.locator('.sample');
    await expect(samples.count()).resolves.toBe(4);
    for (const card of await samples.all()) await expect(card.locator('.expect').textContent()).resolves.toMatch(/(\d+%|F1 of about 0\.\d+|F1 about 0\.\d+)/);
    await page.getByRole('button', { name: 'Try the Banking77 intents sample' }).click();
    await page.getByRole('heading', { name: 'Base model', exact: true }).waitFor();
    await goTo(page, 'Data file');
    await page.getByRole('button', { name: 'Train on Banking77 intents' }).waitFor();
    expect(await page.getByRole('row', { name: /Banking77 intents intent 600 10/ }).count()).toBe(1);
    await h.shot('01-data-file');
    await goTo(page, 'Projects');
    await page.getByRole('button', { name: 'Banking77 intents', exact: true }).waitFor();
    await h.shot('02-projects');
  });

  it('asks for confirmation before deleting a project', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Delete Banking77 intents' }).click();
    await page.getByText('Delete “Banking77 intents” with its data and runs?').waitFor();
    await page.getByRole('button', { name: 'Keep' }).click();
    await page.getByRole('button', { name: 'Rename Banking77 intents' }).click();
    await page.getByLabel('New name for Banking77 intents').fill('Bank intents');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Delete Bank intents' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No projects yet.').waitFor();
  });
});
