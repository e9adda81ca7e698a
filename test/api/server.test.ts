import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StudioServer } from '../../main/server/http.ts';
import type { DatasetSummary, FilePreview, ImportReport, ProjectSummary } from '../../main/api/contract.ts';
import { TestClient } from './ws-client.ts';

const FIXTURE = path.resolve('test/fixtures/e2e/banking77-600.csv');

let home: string;
let server: StudioServer;
let client: TestClient;
const wsUrl = (s: StudioServer, token = s.token) => `ws://127.0.0.1:${s.port}/api/ws?token=${token}`;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-api-'));
  server = await startServer({ home, staticDir: path.join(home, 'no-renderer') });
  client = await TestClient.connect(wsUrl(server));
});

afterAll(async () => {
  client?.close();
  await server?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('browser-mode transport', () => {
  it('listens on 127.0.0.1 only', () => {
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('refuses a WebSocket without the token, with a wrong one, or from another origin', async () => {
    await expect(TestClient.connect(`ws://127.0.0.1:${server.port}/api/ws`)).rejects.toThrow('401');
    await expect(TestClient.connect(wsUrl(server, 'wrong'))).rejects.toThrow('401');
    await expect(TestClient.connect(wsUrl(server), { origin: 'http://evil.example' })).rejects.toThrow('401');
    const ok = await TestClient.connect(`ws://127.0.0.1:${server.port}/api/ws`, { cookie: `bert_studio_token=${server.token}` });
    ok.close();
  });

  it('refuses HTTP requests without the token', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/health`);
    expect(res.status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${server.port}/api/health?token=${server.token}`);
    expect(await ok.json()).toMatchObject({ ok: true, ws: '/api/ws' });
  });

  it('answers unknown methods and bad parameters with {code, message}', async () => {
    expect(await client.raw('nope', {})).toMatchObject({ error: { code: 'invalid_request' } });
    expect(await client.raw('projects.create', { name: '' })).toEqual({ id: expect.any(Number), error: { code: 'invalid_request', message: 'The name must not be empty.' } });
  });
});

describe('services over the real store and importer', () => {
  let project: ProjectSummary;
  let dataset: DatasetSummary;

  it('creates, lists, renames and refuses duplicate projects', async () => {
    project = (await client.call('projects.create', { name: 'Tickets' })) as ProjectSummary;
    expect(project).toMatchObject({ name: 'Tickets', datasets: 0 });
    await expect(client.call('projects.create', { name: 'tickets' })).rejects.toMatchObject({ code: 'conflict' });
    const renamed = (await client.call('projects.rename', { projectId: project.id, name: 'Support tickets' })) as ProjectSummary;
    expect(renamed.name).toBe('Support tickets');
    expect(((await client.call('projects.list', {})) as ProjectSummary[]).map((p) => p.name)).toEqual(['Support tickets']);
  });

  it('uploads a file in chunks, previews it with guesses, checks and imports it', async () => {
    const bytes = fs.readFileSync(FIXTURE);
    const { uploadId } = (await client.call('uploads.begin', { fileName: 'banking77-600.csv', size: bytes.length })) as { uploadId: string };
    const half = Math.floor(bytes.length / 2);
    await client.call('uploads.chunk', { uploadId, offset: 0, base64: bytes.subarray(0, half).toString('base64') });
    await expect(client.call('uploads.chunk', { uploadId, offset: 0, base64: 'AAAA' })).rejects.toMatchObject({ code: 'invalid_request' });
    await client.call('uploads.chunk', { uploadId, offset: half, base64: bytes.subarray(half).toString('base64') });
    const { path: uploaded } = (await client.call('uploads.finish', { uploadId })) as { path: string };
    expect(fs.readFileSync(uploaded).equals(bytes)).toBe(true);
    expect(uploaded.startsWith(home)).toBe(true);

    const preview = (await client.call('import.preview', { path: uploaded })) as FilePreview;
    expect(preview).toMatchObject({ format: 'csv', columns: ['text', 'label'], guessedTask: 'classification', guessedMapping: { text: 'text', label: 'label' }, fixedMapping: false });
    expect(preview.rows[0]).toHaveLength(2);

    const request = { projectId: project.id, path: uploaded, task: 'classification' as const, mapping: preview.guessedMapping, splits: { mode: 'random' as const, train: 0.8, validation: 0.1, test: 0.1, seed: 42 }, jobId: 'job-1' };
    const report = (await client.call('import.analyze', request)) as ImportReport;
    expect(report.ok).toBe(true);
    expect(report.stats.rows).toBe(600);
    expect(report.stats.labels).toHaveLength(20);
    expect(((await client.call('datasets.list', { projectId: project.id })) as unknown[]).length).toBe(0);

    const committed = (await client.call('import.commit', request)) as { dataset: DatasetSummary };
    dataset = committed.dataset;
    expect(dataset).toMatchObject({ projectId: project.id, task: 'classification', rows: 600 });
    expect(dataset.labels).toHaveLength(20);
    const detail = (await client.call('datasets.get', { datasetId: dataset.id })) as { report: ImportReport };
    expect(detail.report.stats.rows).toBe(600);
  });

  it('reports data problems with row numbers and a sample of the row', async () => {
    const bad = path.join(home, 'bad.csv');
    fs.writeFileSync(bad, 'text,label\nhello there,greet\n,greet\nbye now,\n');
    const report = (await client.call('import.analyze', { projectId: project.id, path: bad, task: 'classification', mapping: { text: 'text', label: 'label' }, splits: { mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 1 } })) as ImportReport;
    expect(report.ok).toBe(false);
    const rows = report.errors.map((e) => e.row);
    expect(rows).toEqual(expect.arrayContaining([3, 4]));
    expect(report.errors.find((e) => e.row === 3)?.sample).toBe(',greet');
  });

  it('estimates the presets for a dataset', async () => {
    const e = (await client.call('runs.estimate', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' } })) as { presets: { preset: string; seconds: number; settings: { lr: number } }[]; trainRows: number };
    expect(e.presets.map((p) => p.preset)).toEqual(['quick', 'balanced', 'thorough']);
    expect(e.trainRows).toBeGreaterThan(400);
    expect(e.presets[0].seconds).toBeLessThan(e.presets[2].seconds);
    expect(e.presets[0].settings.lr).toBe(1e-3);
  });

  it('opens a sample as a new project with its dataset', async () => {
    const samples = (await client.call('samples.list', {})) as { id: string }[];
    expect(samples.map((s) => s.id)).toEqual(expect.arrayContaining(['banking77', 'wnut17', 'wnut17-questions', 'banking77-intents']));
    const r = (await client.call('samples.open', { sampleId: 'wnut17' })) as { project: ProjectSummary; dataset: DatasetSummary };
    expect(r.project.name).toBe('WNUT-17 emerging entities');
    expect(r.dataset).toMatchObject({ task: 'ner', rows: 3394 });
  });

  it('lists the catalog and adds a local Hugging Face folder as a base model', async () => {
    const before = (await client.call('models.list', {})) as { cached: unknown[]; catalog: { repo: string; cached: boolean }[] };
    expect(before.catalog.map((c) => c.repo)).toContain('google/bert_uncased_L-2_H-128_A-2');
    expect(before.cached).toEqual([]);
    const folder = '../shared/fixtures/parity/bert-tiny-seqcls';
    const m = (await client.call('models.addFolder', { path: path.resolve(folder) })) as { id: string; modelType: string; source: string };
    expect(m).toMatchObject({ modelType: 'bert', source: 'local' });
    const after = (await client.call('models.list', {})) as { cached: { id: string }[] };
    expect(after.cached.map((c) => c.id)).toContain(m.id);
    await expect(client.call('models.addFolder', { path: path.join(home, 'nothing-here') })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('deletes a project with its datasets', async () => {
    expect(await client.call('projects.delete', { projectId: project.id })).toEqual({ deleted: true });
    await expect(client.call('datasets.get', { datasetId: dataset.id })).rejects.toMatchObject({ code: 'not_found' });
  });
});
