import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, DatasetSummary, DownloadedModel, EventName, ParamsOf, ProjectSummary, RunDetail, RunSummary, TrainingServerStatus } from '../../main/api/contract.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { selfSignedCertificate } from '../../main/server/team/cert.ts';
import { startTeamServer, type TeamServer } from '../../main/server/team/server.ts';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { addUser } from '../../main/server/team/users.ts';
import { listProjects } from '../../main/store/index.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');
const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-remote-server-'));
const localHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-remote-local-'));
const cert = selfSignedCertificate(['127.0.0.1']);
let server: TeamServer;
let local: Api;
let token: string;
const events: EventName[] = [];

async function call<C extends CommandName>(method: C, params: ParamsOf<C>): Promise<unknown> {
  return (local.handlers[method] as (p: unknown, c: { caller: string }) => unknown)(params, { caller: 'test' });
}

beforeAll(async () => {
  const db = openTeamDb(serverHome);
  token = addUser(db, 'alice');
  db.close();
  server = await startTeamServer({ home: serverHome, host: '127.0.0.1', port: 0, tls: { cert: cert.certPem, key: cert.keyPem } });
  local = await createApi({ home: localHome, mode: 'browser' });
  local.events.subscribe((e) => void events.push(e));
});

afterAll(async () => {
  await local?.close();
  await server?.close();
  for (const d of [serverHome, localHome]) fs.rmSync(d, { recursive: true, force: true });
});

describe('the app connected to a training server', () => {
  it('refuses a wrong fingerprint before sending anything, and a wrong token', async () => {
    const other = selfSignedCertificate(['127.0.0.1']).fingerprint;
    await expect(call('server.connect', { url: server.url, token, fingerprint: other })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Nothing was sent/) });
    await expect(call('server.connect', { url: server.url, token: 'bst_wrongwrongwr_' + 'x'.repeat(43), fingerprint: cert.fingerprint })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(call('server.connect', { url: server.url, token })).rejects.toMatchObject({ message: expect.stringMatching(/fingerprint/) });
    await expect(call('server.connect', { url: server.url.replace('https', 'http').replace('127.0.0.1', '10.0.0.1'), token })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(((await call('server.status', {})) as TrainingServerStatus).connected).toBe(false);
  });

  it('imports, trains and downloads the model on the server through the same commands', async () => {
    const st = (await call('server.connect', { url: server.url, token, fingerprint: cert.fingerprint.toLowerCase() })) as TrainingServerStatus;
    expect(st).toEqual({ connected: true, url: server.url, user: 'alice', fingerprint: cert.fingerprint });

    const project = (await call('projects.create', { name: 'On the server' })) as ProjectSummary;
    // A local path: uploaded to the server first (once), then imported there.
    const preview = (await call('import.preview', { path: FIXTURE })) as { guessedMapping: { text?: string; label?: string } };
    const { dataset } = (await call('import.commit', { projectId: project.id, path: FIXTURE, task: 'classification', mapping: preview.guessedMapping, splits: { mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 2 } })) as { dataset: DatasetSummary };
    expect(listProjects(server.api.store).map((p) => p.name)).toEqual(['alice/On the server']);
    expect(listProjects(local.store)).toEqual([]);
    expect(fs.readdirSync(path.join(serverHome, 'tmp', 'uploads'))).toHaveLength(1);

    const run = (await call('runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: { epochs: 2, batchSize: 8, lr: 1e-3, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, patience: 0, minDelta: 0, maxGradNorm: 1, seed: 3, stride: 0 } })) as RunSummary;
    for (let i = 0; ; i++) {
      const r = (await call('runs.get', { runId: run.id })) as RunDetail;
      if (r.status === 'completed') break;
      if (r.status === 'failed' || i > 1200) throw new Error(`run ended ${r.status}: ${r.error}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // The server's events reached this app's screens through the local hub.
    expect(events).toContain('run.progress');
    expect(events).toContain('run.status');

    const got = (await call('server.downloadModel', { runId: run.id })) as DownloadedModel;
    expect(got).toMatchObject({ projectName: 'From training server' });
    expect(got.files).toBeGreaterThanOrEqual(3);
    await call('server.disconnect', {});

    // Back in local mode, the model is this computer's: its run, metrics and "Try it" work offline.
    const localRun = (await call('runs.get', { runId: got.localRunId })) as RunDetail;
    expect(localRun).toMatchObject({ status: 'completed', task: 'classification' });
    const remoteMetrics = server.api.store.db.prepare("SELECT name, value FROM metrics WHERE run_id = ? AND name LIKE 'final_%' ORDER BY name, split").all(run.id);
    const localMetrics = local.store.db.prepare("SELECT name, value FROM metrics WHERE run_id = ? ORDER BY name, split").all(got.localRunId);
    expect(localMetrics).toEqual(remoteMetrics);
    const prediction = (await call('predict.run', { runId: got.localRunId, text: 'my card has not arrived yet' })) as { labels: { label: string }[] };
    expect(prediction.labels).toHaveLength(4);
  }, 180_000);

  it('says so when the server goes away, and goes back to local mode on disconnect', async () => {
    const home2 = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-remote-gone-'));
    const db = openTeamDb(home2);
    const t = addUser(db, 'alice');
    db.close();
    const gone = await startTeamServer({ home: home2, host: '127.0.0.1', port: 0, tls: { cert: cert.certPem, key: cert.keyPem } });
    try {
      await call('server.connect', { url: gone.url, token: t, fingerprint: cert.fingerprint });
      await gone.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(await call('server.status', {})).toMatchObject({ connected: false, url: gone.url });
      await expect(call('projects.list', {})).rejects.toMatchObject({ code: 'unavailable' });
      await call('server.disconnect', {});
      expect(((await call('projects.list', {})) as ProjectSummary[]).map((p) => p.name)).toEqual(['From training server']);
    } finally {
      fs.rmSync(home2, { recursive: true, force: true });
    }
  });
});
