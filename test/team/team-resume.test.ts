import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, MetricPoint, ProjectSummary, RunDetail, RunSummary, TrainSettings } from '../../main/api/contract.ts';
import { selfSignedCertificate } from '../../main/server/team/cert.ts';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { addUser } from '../../main/server/team/users.ts';
import { TestClient } from '../api/ws-client.ts';
import { request } from './https-client.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/bert-studio.mjs');
const FIXTURE = path.join(root, 'test/fixtures/train/banking4-240.csv');
const SETTINGS: TrainSettings = { epochs: 3, batchSize: 8, lr: 1e-3, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, patience: 0, minDelta: 0, maxGradNorm: 1, seed: 7, stride: 0 };

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-team-resume-'));
const cert = selfSignedCertificate(['127.0.0.1']);
fs.writeFileSync(path.join(home, 'cert.pem'), cert.certPem);
fs.writeFileSync(path.join(home, 'key.pem'), cert.keyPem);
const children: ChildProcess[] = [];
const clients: TestClient[] = [];

/** Starts `bert-studio serve --listen` as its own process and waits for its JSON line. */
function serve(): Promise<{ child: ChildProcess; port: number; resumed: number[] }> {
  const child = spawn(process.execPath, [cli, '--home', home, '--json', 'serve', '--listen', '127.0.0.1:0', '--cert', path.join(home, 'cert.pem'), '--key', path.join(home, 'key.pem')]);
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => void (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { port: number; resumed: number[] }) });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${err}`)));
  });
}

async function connect(port: number, token: string): Promise<TestClient> {
  const c = await TestClient.connect(`wss://127.0.0.1:${port}/api/ws`, { authorization: `Bearer ${token}` }, cert.certPem);
  clients.push(c);
  return c;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (c: TestClient, runId: number) =>
  until(`run ${runId} to finish`, async () => {
    const r = (await c.call('runs.get', { runId })) as RunDetail;
    if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`run ${runId} ${r.status}: ${JSON.stringify(r)}`);
    return r.status === 'completed' ? r : undefined;
  });

const finalMetrics = async (c: TestClient, runId: number) =>
  Object.fromEntries(((await c.call('runs.metrics', { runId })) as MetricPoint[]).filter((m) => m.name.startsWith('final_')).map((m) => [`${m.split} ${m.name}`, m.value]));

afterAll(() => {
  for (const c of clients) c.close();
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

describe('training server killed mid-run', () => {
  it('resumes the job from its checkpoint on restart and ends with the metrics of an uninterrupted run', async () => {
    const db = openTeamDb(home);
    const token = addUser(db, 'alice');
    db.close();

    const first = await serve();
    const alice = await connect(first.port, token);
    const project = (await alice.call('projects.create', { name: 'Resume' })) as ProjectSummary;
    const up = await request(`https://127.0.0.1:${first.port}/api/uploads?name=banking4.csv`, cert.certPem, { method: 'PUT', token, body: fs.readFileSync(FIXTURE) });
    const { path: uploaded } = JSON.parse(up.body) as { path: string };
    const { dataset } = (await alice.call('import.commit', { projectId: project.id, path: uploaded, task: 'classification', mapping: { text: 'text', label: 'label' }, splits: { mode: 'random', train: 0.7, validation: 0.15, test: 0.15, seed: 3 } })) as { dataset: DatasetSummary };
    const run = (await alice.call('runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS })) as RunSummary;

    // Killed as soon as the first checkpoint (after epoch 1's evaluation) is on disk.
    const checkpoint = path.join(home, 'runs', String(run.id), 'checkpoint', 'state.json');
    await until('the first checkpoint', async () => (fs.existsSync(checkpoint) ? true : undefined));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // Progress reached the owner over WSS while it trained.
    expect(alice.events.some((e) => e.event === 'run.progress' && (e.data as { runId: number }).runId === run.id)).toBe(true);

    const second = await serve();
    expect(second.resumed).toEqual([run.id]);
    const again = await connect(second.port, token);
    const resumed = await finished(again, run.id);
    expect(resumed.status).toBe('completed');
    const resumedMetrics = await finalMetrics(again, run.id);
    // It continued from the checkpoint rather than starting over: a restart would log the first
    // epoch's steps a second time.
    const losses = ((await again.call('runs.metrics', { runId: run.id })) as MetricPoint[]).filter((m) => m.split === 'train' && m.name === 'loss').map((m) => m.step);
    expect(new Set(losses).size).toBe(losses.length);

    // The same settings on the same data, uninterrupted, on the same server.
    const reference = (await again.call('runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS })) as RunSummary;
    await finished(again, reference.id);
    const referenceMetrics = await finalMetrics(again, reference.id);
    expect(Object.keys(referenceMetrics).length).toBeGreaterThan(2);
    expect(Object.keys(resumedMetrics).sort()).toEqual(Object.keys(referenceMetrics).sort());
    for (const [name, value] of Object.entries(referenceMetrics)) expect(Math.abs((resumedMetrics[name] ?? NaN) - value), name).toBeLessThanOrEqual(1e-5);
  }, 240_000);
});
