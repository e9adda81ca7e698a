import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../main/server/team/cert.ts';
import { startTeamServer, type TeamServer } from '../../main/server/team/server.ts';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { addUser } from '../../main/server/team/users.ts';
import { listArtifacts, listProjects, listRuns, openStore } from '../../main/store/index.ts';
import { goTo, openHarness, stopAfterFirstFailure, type Harness } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');
const TRAINING_TIMEOUT = 180_000;

// Issue 14: the app in a browser, connected to a training server on loopback with TLS (a
// certificate made here), through import → train → download of the model. No mocked API.
describe('the app connected to a training server', () => {
  let h: Harness;
  let server: TeamServer;
  const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-e2e-team-server-'));
  const cert = selfSignedCertificate(['127.0.0.1']);
  let token = '';
  stopAfterFirstFailure({ beforeEach, afterEach });
  beforeAll(async () => {
    const db = openTeamDb(serverHome);
    token = addUser(db, 'alice');
    db.close();
    server = await startTeamServer({ home: serverHome, host: '127.0.0.1', port: 0, tls: { cert: cert.certPem, key: cert.keyPem } });
    h = await openHarness('team');
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
    fs.rmSync(serverHome, { recursive: true, force: true });
  });

  it('connects with the address, token and certificate fingerprint', async () => {
    const { page } = h;
    await page.getByRole('heading', { name: 'Training server', exact: true }).waitFor();
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Access token').fill(token);
    await page.getByLabel('Certificate fingerprint (SHA-256)').fill(cert.fingerprint);
    await h.shot('01-connect');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('server-status').waitFor();
    expect(await page.getByTestId('server-status').textContent()).toMatch(new RegExp(`Connected to ${server.url.replace(/[.]/g, '\\.')} as alice`));
    await h.shot('02-connected');
  });

  it('creates a project and imports a file into it on the server', async () => {
    const { page } = h;
    await page.getByLabel('Project name').fill('Remote tickets');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Data file', exact: true }).waitFor();
    await page.getByLabel('Choose a data file').setInputFiles(FIXTURE);
    await page.getByRole('heading', { name: 'Preview of banking4-240.csv', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Next: choose the task' }).click();
    await page.getByRole('radio', { name: /Text classification/ }).check();
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    await page.getByRole('button', { name: 'Check the data' }).click();
    await page.getByText('240 rows are ready to import.').waitFor();
    await page.getByRole('button', { name: 'Import 240 rows' }).click();
    await page.getByRole('heading', { name: 'Base model', exact: true }).waitFor();
    // The project and its data are the server's, under alice; nothing was stored on this computer.
    expect(listProjects(server.api.store).map((p) => [p.name, p.datasetCount])).toEqual([['alice/Remote tickets', 1]]);
    const local = openStore(h.home);
    try {
      expect(listProjects(local)).toEqual([]);
    } finally {
      local.close();
    }
  });

  it('trains on the server with the same screens', async () => {
    const { page } = h;
    await page.getByRole('radio', { name: /Tiny/ }).check();
    await page.getByRole('button', { name: 'Next: settings' }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await page.getByRole('radio', { name: /Quick/ }).check();
    await page.getByText('Advanced: every hyperparameter').click();
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('2');
    await epochs.dispatchEvent('change');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { name: 'Training', exact: true }).waitFor();
    // Progress comes from the server over WSS, as for a local run.
    await page.waitForFunction(() => /^[1-9]\d* training points/.test(document.querySelector('[data-testid="chart-points"]')?.textContent ?? ''), undefined, { timeout: TRAINING_TIMEOUT });
    await page.getByTestId('run-status').filter({ hasText: /Finished|Failed|Cancelled/ }).waitFor({ timeout: TRAINING_TIMEOUT });
    expect(await page.getByTestId('run-status').textContent()).toBe('Finished');
    await h.shot('03-trained-on-server');
    expect(listRuns(server.api.store, {}).map((r) => r.status)).toEqual(['completed']);
  });

  it('downloads the trained model into this computer’s store', async () => {
    const { page } = h;
    await goTo(page, 'History');
    await page.getByRole('button', { name: /^Download the model of run \d+$/ }).click();
    await page.getByTestId('downloaded').waitFor({ timeout: 60_000 });
    await h.shot('04-downloaded');
    await goTo(page, 'Projects');
    await page.getByRole('button', { name: 'Disconnect (back to this computer)' }).click();
    await page.getByText('From training server').first().waitFor();
    await h.shot('05-local-again');
    const local = openStore(h.home);
    try {
      const [run] = listRuns(local, {});
      expect(run).toMatchObject({ status: 'completed', task: 'classification' });
      const [hf] = listArtifacts(local, run!.id, 'hf');
      expect(fs.existsSync(path.join(hf!.path, 'model.safetensors'))).toBe(true);
    } finally {
      local.close();
    }
  });
});
