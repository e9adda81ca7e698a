import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/api/dispatch.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { createRun, openStore } from '../../main/store/index.ts';

// The API with no core modules wired: every command that needs one says which function is
// missing instead of pretending. (The real wiring is exercised by server.test.ts and e2e.)
describe('dispatch with unwired core ports', () => {
  let home: string;
  let api: Api;
  const call = (method: string, params: unknown) => dispatch(api.handlers, 1, method, params, { caller: 'test' });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-dispatch-'));
    api = await createApi({ home, mode: 'browser', core: {} });
  });
  afterAll(async () => {
    await api.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('reports the features that are missing', async () => {
    const r = await call('app.info', {});
    expect(r).toMatchObject({ result: { mode: 'browser', features: { projects: true, import: false, training: false, export: false } } });
  });

  it('answers unavailable with the missing function, in a sentence', async () => {
    const file = path.join(home, 'x.csv');
    fs.writeFileSync(file, 'text,label\na,b\n');
    expect(await call('import.preview', { path: file })).toEqual({
      id: 1,
      error: { code: 'unavailable', message: 'Importing data is not available in this build yet (the core function main/data previewFile / analyzeImport / importDataset is missing).' },
    });
    expect(await call('models.list', {})).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('refuses to evaluate, try or export a run that has not finished', async () => {
    const p = (await call('projects.create', { name: 'P' })) as { result: { id: number } };
    // A second connection to the same database (WAL allows it) sets up a run that never started.
    const store = openStore(home);
    const run = createRun(store, { projectId: p.result.id, datasetId: null, task: 'classification', baseModel: 'x', config: {} });
    store.close();
    const e = await call('evaluation.get', { runId: run.id });
    expect(e).toMatchObject({ error: { code: 'unavailable' } });
    expect(await call('runs.pause', { runId: run.id })).toMatchObject({ error: { code: 'conflict', message: `Run ${run.id} is not running (it is queued).` } });
    expect(await call('runs.get', { runId: 999 })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses uploads from another page and out-of-order chunks', async () => {
    const begin = (await dispatch(api.handlers, 1, 'uploads.begin', { fileName: '../../etc/passwd', size: 4 }, { caller: 'a' })) as { result: { uploadId: string } };
    const other = await dispatch(api.handlers, 2, 'uploads.chunk', { uploadId: begin.result.uploadId, offset: 0, base64: 'AAAA' }, { caller: 'b' });
    expect(other).toMatchObject({ error: { code: 'not_found' } });
    await dispatch(api.handlers, 3, 'uploads.chunk', { uploadId: begin.result.uploadId, offset: 0, base64: Buffer.from('abcd').toString('base64') }, { caller: 'a' });
    const done = (await dispatch(api.handlers, 4, 'uploads.finish', { uploadId: begin.result.uploadId }, { caller: 'a' })) as { result: { path: string } };
    // The name is reduced to a base name inside the uploads folder: no path escapes.
    expect(path.basename(done.result.path)).toBe('passwd');
    expect(done.result.path.startsWith(path.join(home, 'tmp', 'uploads'))).toBe(true);
  });
});

