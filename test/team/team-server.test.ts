import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, ProjectSummary } from '../../main/api/contract.ts';
import { selfSignedCertificate, type SelfSigned } from '../../main/server/team/cert.ts';
import { startTeamServer, type TeamServer } from '../../main/server/team/server.ts';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { addUser, revokeUser, shareProject } from '../../main/server/team/users.ts';
import { TestClient } from '../api/ws-client.ts';
import { request } from './https-client.ts';

const FIXTURE = path.resolve('test/fixtures/train/banking4-240.csv');
const LIMIT = 64 * 1024;

let home: string;
let cert: SelfSigned;
let server: TeamServer;
const tokens: Record<string, string> = {};
const clients: TestClient[] = [];
const connect = async (token: string) => {
  const c = await TestClient.connect(`wss://127.0.0.1:${server.port}/api/ws`, { authorization: `Bearer ${token}` }, cert.certPem);
  clients.push(c);
  return c;
};
const uploadsDir = () => path.join(home, 'tmp', 'uploads');
const filesUnder = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : []);

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-team-'));
  cert = selfSignedCertificate(['127.0.0.1']);
  const db = openTeamDb(home);
  for (const name of ['alice', 'bob', 'carol']) tokens[name] = addUser(db, name);
  revokeUser(db, 'carol');
  db.close();
  server = await startTeamServer({ home, host: '127.0.0.1', port: 0, tls: { cert: cert.certPem, key: cert.keyPem }, maxUploadBytes: LIMIT, maxLoginFailures: 1000 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('training server: TLS and authentication', () => {
  it('speaks HTTPS with the certificate, and refuses plain HTTP off loopback', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const ok = await request(`${server.url}/api/health`, cert.certPem, { token: tokens.alice });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, user: 'alice' });
    // A client that pins another certificate does not talk to this server at all.
    await expect(request(`${server.url}/api/health`, selfSignedCertificate(['127.0.0.1']).certPem, { token: tokens.alice })).rejects.toThrow();
    await expect(startTeamServer({ home, host: '0.0.0.0', port: 0 })).rejects.toThrow(/only allowed on a loopback address/);
  });

  it('answers no token, a wrong token and a revoked token with a bare 401', async () => {
    const forged = tokens.alice.slice(0, -4) + 'AAAA';
    for (const token of [undefined, 'nope', forged, tokens.carol]) {
      const r = await request(`${server.url}/api/health`, cert.certPem, token ? { token } : {});
      expect(r.status, String(token)).toBe(401);
      expect(r.body).toBe('Unauthorized');
      expect(JSON.stringify(r.headers)).not.toMatch(/version|alice|bob|carol|x-powered-by/i);
    }
    const model = await request(`${server.url}/api/runs/1/model`, cert.certPem);
    expect(model.status).toBe(401);
    await expect(TestClient.connect(`wss://127.0.0.1:${server.port}/api/ws`, {}, cert.certPem)).rejects.toThrow('401');
    await expect(TestClient.connect(`wss://127.0.0.1:${server.port}/api/ws?token=${tokens.alice}`, {}, cert.certPem)).rejects.toThrow('401');
  });

  it('ends an open WebSocket session at its next message once the token is revoked', async () => {
    const db = openTeamDb(home);
    const token = addUser(db, 'erin');
    const erin = await connect(token);
    expect(await erin.call('projects.list', {})).toEqual([]);
    revokeUser(db, 'erin');
    db.close();
    const closed = new Promise<number>((resolve) => erin.ws.once('close', (code) => resolve(code)));
    erin.ws.send(JSON.stringify({ id: 99, method: 'projects.list', params: {} }));
    expect(await closed).toBe(4401);
    expect(erin.events).toEqual([]);
  });

  it('refuses an address with too many failed logins (429), even with a good token', async () => {
    const strictHome = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-team-limit-'));
    const db = openTeamDb(strictHome);
    const token = addUser(db, 'dave');
    db.close();
    const strict = await startTeamServer({ home: strictHome, host: '127.0.0.1', port: 0, tls: { cert: cert.certPem, key: cert.keyPem }, maxLoginFailures: 3 });
    try {
      expect((await request(`${strict.url}/api/health`, cert.certPem, { token })).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await request(`${strict.url}/api/health`, cert.certPem, { token: 'guess' + i })).status).toBe(401);
      const r = await request(`${strict.url}/api/health`, cert.certPem, { token });
      expect(r.status).toBe(429);
      expect(r.body).toMatch(/Too many failed logins/);
    } finally {
      await strict.close();
      fs.rmSync(strictHome, { recursive: true, force: true });
    }
  });
});

describe('training server: users and their projects', () => {
  let project: ProjectSummary;
  let dataset: DatasetSummary;
  let uploaded: string;

  it('streams an upload and imports it into the user’s own project', async () => {
    const alice = await connect(tokens.alice);
    project = (await alice.call('projects.create', { name: 'Tickets' })) as ProjectSummary;
    expect(project.name).toBe('Tickets');
    const up = await request(`${server.url}/api/uploads?name=tickets.csv`, cert.certPem, { method: 'PUT', token: tokens.alice, body: fs.readFileSync(FIXTURE) });
    expect(up.status).toBe(201);
    uploaded = (JSON.parse(up.body) as { path: string }).path;
    const committed = (await alice.call('import.commit', { projectId: project.id, path: uploaded, task: 'classification', mapping: { text: 'text', label: 'label' }, splits: { mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 1 } })) as { dataset: DatasetSummary };
    dataset = committed.dataset;
    expect(dataset.rows).toBe(240);
  });

  it('keeps bob out of alice’s project (403) and out of her lists and events', async () => {
    const bob = await connect(tokens.bob);
    // Same name, no conflict and no hint that alice has one.
    const own = (await bob.call('projects.create', { name: 'Tickets' })) as ProjectSummary;
    expect(((await bob.call('projects.list', {})) as ProjectSummary[]).map((p) => p.id)).toEqual([own.id]);
    for (const [method, params] of [
      ['datasets.list', { projectId: project.id }],
      ['datasets.get', { datasetId: dataset.id }],
      ['runs.list', { projectId: project.id }],
      ['projects.rename', { projectId: project.id, name: 'Mine' }],
      ['projects.delete', { projectId: project.id }],
      ['runs.start', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' }, settings: { epochs: 1, batchSize: 8, lr: 1e-3, maxLength: 32, warmupRatio: 0, weightDecay: 0, patience: 0, minDelta: 0, maxGradNorm: 1, seed: 1, stride: 0 } }],
    ] as const) {
      const r = await bob.raw(method, params);
      expect(r, method).toMatchObject({ error: { code: 'forbidden' } });
    }
    // Nor can he import alice's upload, a server path, or add a server folder as a model.
    for (const file of [uploaded, FIXTURE, '/etc/passwd']) {
      expect(await bob.raw('import.preview', { path: file })).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(await bob.raw('models.addFolder', { path: home })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await bob.raw('export.start', { runId: 1, formats: ['hf'], folder: '/tmp/x' })).toMatchObject({ error: { code: expect.stringMatching(/forbidden|not_found/) } });
    const info = (await bob.call('app.info', {})) as { home: string };
    expect(info.home).not.toContain(home);
    const http = await request(`${server.url}/api/runs/999/model`, cert.certPem, { token: tokens.bob });
    expect(http.status).toBe(404);
  });

  it('lets bob train only on base models the server offers, not on a folder of the server', async () => {
    const bob = await connect(tokens.bob);
    const mine = (await bob.call('projects.create', { name: 'Bob data' })) as ProjectSummary;
    const up = await request(`${server.url}/api/uploads?name=bob.csv`, cert.certPem, { method: 'PUT', token: tokens.bob, body: fs.readFileSync(FIXTURE) });
    const file = (JSON.parse(up.body) as { path: string }).path;
    const { dataset: d } = (await bob.call('import.commit', { projectId: mine.id, path: file, task: 'classification', mapping: { text: 'text', label: 'label' }, splits: { mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 1 } })) as { dataset: DatasetSummary };
    // A trained model folder of another user's run, named as if it were a base model id.
    const r = await bob.raw('runs.estimate', { datasetId: d.id, base: { kind: 'pretrained', modelId: path.join(home, 'runs', '1', 'model') } });
    expect(r).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/not one this training server offers/) } });
    expect(await bob.raw('runs.estimate', { datasetId: d.id, base: { kind: 'scratch', size: 'tiny' } })).toMatchObject({ result: { presets: expect.any(Array) } });
  });

  it('lets bob into a project alice’s admin shared with him, but not rename or delete it', async () => {
    const db = openTeamDb(home);
    shareProject(db, server.api.store, project.id, 'bob');
    db.close();
    const bob = await connect(tokens.bob);
    expect(((await bob.call('projects.list', {})) as ProjectSummary[]).map((p) => p.name)).toContain('alice/Tickets');
    expect(((await bob.call('datasets.list', { projectId: project.id })) as DatasetSummary[]).map((d) => d.id)).toEqual([dataset.id]);
    expect(await bob.raw('projects.delete', { projectId: project.id })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await bob.raw('datasets.delete', { datasetId: dataset.id })).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('opens a sample under each user’s own names (no hint that another user opened it)', async () => {
    const alice = await connect(tokens.alice);
    const bob = await connect(tokens.bob);
    const a = (await alice.call('samples.open', { sampleId: 'banking77-intents' })) as { project: ProjectSummary };
    const b = (await bob.call('samples.open', { sampleId: 'banking77-intents' })) as { project: ProjectSummary };
    const again = (await bob.call('samples.open', { sampleId: 'banking77-intents' })) as { project: ProjectSummary };
    expect(a.project.name).toBe(b.project.name);
    expect(again.project.name).toBe(`${b.project.name} 2`);
    expect(((await bob.call('projects.list', {})) as ProjectSummary[]).map((p) => p.id)).not.toContain(a.project.id);
  });

  it('refuses an oversized upload mid-stream and stores nothing', async () => {
    const before = filesUnder(uploadsDir());
    let sent = 0;
    // No Content-Length: the server only learns the size while reading, and must stop there.
    const body = new Readable({
      read() {
        if (sent >= LIMIT * 4) return this.push(null);
        sent += 8192;
        setTimeout(() => this.push(Buffer.alloc(8192, 97)), 1);
      },
    });
    const r = await request(`${server.url}/api/uploads?name=big.csv`, cert.certPem, { method: 'PUT', token: tokens.alice, body, headers: { 'transfer-encoding': 'chunked' } });
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/larger than the 0\.1 MiB/);
    expect(sent).toBeLessThan(LIMIT * 4);
    await new Promise((res) => setTimeout(res, 100));
    expect(filesUnder(uploadsDir()).sort()).toEqual(before.sort());
    // Declared too large: refused before a byte is stored; the chunked WebSocket upload too.
    const declared = await request(`${server.url}/api/uploads?name=big.csv`, cert.certPem, { method: 'PUT', token: tokens.alice, body: Buffer.alloc(LIMIT + 1, 97) });
    expect(declared.status).toBe(413);
    const alice = await connect(tokens.alice);
    expect(await alice.raw('uploads.begin', { fileName: 'big.csv', size: LIMIT + 1 })).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(/accepts uploads up to/) } });
    expect(filesUnder(uploadsDir()).sort()).toEqual(before.sort());
  });
});
