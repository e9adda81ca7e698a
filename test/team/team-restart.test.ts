import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, MetricPoint, ProjectSummary, RunDetail, RunSummary, TrainSettings } from '../../main/api/contract.ts';
import { ProjectAccess } from '../../main/server/team/access.ts';
import { guardedHandlers, UploadRegistry } from '../../main/server/team/guard.ts';
import { startTeamServer, type TeamServer } from '../../main/server/team/server.ts';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { addUser } from '../../main/server/team/users.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');
const SETTINGS: TrainSettings = { epochs: 3, batchSize: 8, lr: 1e-3, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, patience: 0, minDelta: 0, maxGradNorm: 1, seed: 9, stride: 0 };
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-team-restart-'));
let server: TeamServer | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

type Call = (method: string, params: unknown) => Promise<unknown>;
const as = (s: TeamServer, user: string): Call => async (method, params) => {
  // The guarded handlers a user's socket gets, called directly (the transport is tested elsewhere).
  const db = openTeamDb(home);
  const uploads = new UploadRegistry();
  uploads.add(user, FIXTURE);
  const h = guardedHandlers(s.api.handlers, user, { access: new ProjectAccess(db, s.api.store), uploads, maxUploadBytes: 1 << 30, baseModels: async () => new Set<string>() }) as unknown as Record<string, (p: unknown, c: { caller: string }) => unknown>;
  try {
    return await h[method]!(params, { caller: 'test' });
  } finally {
    db.close();
  }
};

async function finished(call: Call, runId: number): Promise<Record<string, number>> {
  for (let i = 0; i < 2400; i++) {
    const r = (await call('runs.get', { runId })) as RunDetail;
    if (r.status === 'completed') {
      const m = (await call('runs.metrics', { runId })) as MetricPoint[];
      const finals = m.filter((x) => x.name.startsWith('final_'));
      const out: Record<string, number> = {};
      for (const x of finals) {
        const key = `${x.split} ${x.name}`;
        expect(out[key], `${key} stored twice`).toBeUndefined();
        out[key] = x.value;
      }
      return out;
    }
    if (r.status === 'failed') throw new Error(r.error);
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('timed out');
}

describe('training server stopped cleanly mid-run', () => {
  it('resumes the run on its next start and ends with the metrics of an uninterrupted run', async () => {
    const db = openTeamDb(home);
    addUser(db, 'alice');
    db.close();
    server = await startTeamServer({ home, host: '127.0.0.1', port: 0, tls: undefined });
    let call = as(server, 'alice');
    const project = (await call('projects.create', { name: 'Restart' })) as ProjectSummary;
    const { dataset } = (await call('import.commit', { projectId: project.id, path: FIXTURE, task: 'classification', mapping: { text: 'text', label: 'label' }, splits: { mode: 'random', train: 0.7, validation: 0.15, test: 0.15, seed: 4 } })) as { dataset: DatasetSummary };
    const run = (await call('runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS })) as RunSummary;
    const checkpoint = path.join(home, 'runs', String(run.id), 'checkpoint', 'state.json');
    while (!fs.existsSync(checkpoint)) await new Promise((r) => setTimeout(r, 5));
    await server.close();

    server = await startTeamServer({ home, host: '127.0.0.1', port: 0, tls: undefined });
    expect(server.resumed).toEqual([run.id]);
    call = as(server, 'alice');
    const resumed = await finished(call, run.id);
    const reference = (await call('runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS })) as RunSummary;
    const expected = await finished(call, reference.id);
    expect(Object.keys(resumed).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect(Math.abs(resumed[k]! - v), k).toBeLessThanOrEqual(1e-5);
  }, 240_000);
});
