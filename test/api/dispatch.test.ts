import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/api/dispatch.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { addArtifact, createRun, openStore } from '../../main/store/index.ts';

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


describe('uploads that break', () => {
  it('an upload larger than announced, or finished short, is dropped with its partial copy', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-uploads-'));
    const api = await createApi({ home, mode: 'browser', core: {} });
    try {
      const call = (method: string, params: unknown) => dispatch(api.handlers, 1, method, params, { caller: 'a' });
      const big = (await call('uploads.begin', { fileName: 'a.csv', size: 2 })) as { result: { uploadId: string } };
      expect(await call('uploads.chunk', { uploadId: big.result.uploadId, offset: 0, base64: Buffer.from('abcd').toString('base64') })).toMatchObject({ error: { code: 'invalid_request' } });
      expect(await call('uploads.finish', { uploadId: big.result.uploadId })).toMatchObject({ error: { code: 'not_found' } });
      const short = (await call('uploads.begin', { fileName: 'b.csv', size: 8 })) as { result: { uploadId: string } };
      await call('uploads.chunk', { uploadId: short.result.uploadId, offset: 0, base64: Buffer.from('abcd').toString('base64') });
      expect(await call('uploads.finish', { uploadId: short.result.uploadId })).toMatchObject({ error: { message: 'The upload stopped at 4 of 8 bytes. Choose the file again.' } });
      expect(fs.readdirSync(path.join(home, 'tmp', 'uploads'))).toEqual([]);
    } finally {
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('resuming an interrupted run', () => {
  it('starts one trainer however often resume is clicked while it starts', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-resume-'));
    let resumes = 0;
    let release = () => undefined as void;
    const started = new Promise<void>((r) => (release = r));
    const api = await createApi({
      home,
      mode: 'browser',
      core: {
        trainer: {
          start: () => Promise.reject(new Error('not used')),
          resumeFromCheckpoint: async (_s, _h, runId) => {
            resumes++;
            await started;
            let stop = () => undefined as void;
            const done = new Promise<void>((r) => (stop = r));
            return { runId, pause: () => undefined, resume: () => undefined, cancel: () => stop(), done };
          },
        },
      },
    });
    try {
      const call = (method: string, params: unknown) => dispatch(api.handlers, 1, method, params, { caller: 'a' });
      const p = (await call('projects.create', { name: 'P' })) as { result: { id: number } };
      const store = openStore(home);
      const run = createRun(store, { projectId: p.result.id, datasetId: null, task: 'classification', baseModel: 'x', config: {} });
      store.close();
      const first = call('runs.resume', { runId: run.id });
      const second = await call('runs.resume', { runId: run.id });
      expect(second).toMatchObject({ error: { code: 'conflict', message: `Run ${run.id} is already resuming; wait for it to continue.` } });
      release();
      expect(await first).toMatchObject({ result: { id: run.id } });
      expect(resumes).toBe(1);
    } finally {
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('deleting a project', () => {
  it('stops its live runs first, deletes the files under the home, and keeps exports the user put elsewhere', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-delete-'));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-user-folder-'));
    let cancelled = false;
    const api = await createApi({
      home,
      mode: 'browser',
      core: {
        trainer: {
          start: () => Promise.reject(new Error('not used')),
          resumeFromCheckpoint: async (_s, _h, runId) => {
            let stop = () => undefined as void;
            const done = new Promise<void>((r) => (stop = r));
            return { runId, pause: () => undefined, resume: () => undefined, cancel: () => ((cancelled = true), stop()), done };
          },
        },
      },
    });
    try {
      const call = (method: string, params: unknown) => dispatch(api.handlers, 1, method, params, { caller: 'a' });
      const p = (await call('projects.create', { name: 'P' })) as { result: { id: number } };
      const store = openStore(home);
      const run = createRun(store, { projectId: p.result.id, datasetId: null, task: 'classification', baseModel: 'x', config: {} });
      const runDir = path.join(home, 'runs', String(run.id));
      fs.mkdirSync(runDir, { recursive: true });
      fs.writeFileSync(path.join(runDir, 'checkpoint.bin'), 'x');
      const userOnnx = path.join(elsewhere, 'onnx', 'model.onnx');
      fs.mkdirSync(path.dirname(userOnnx), { recursive: true });
      fs.writeFileSync(userOnnx, 'onnx');
      addArtifact(store, { runId: run.id, kind: 'checkpoint', path: path.join(runDir, 'checkpoint.bin'), size: 1, sha256: 'a'.repeat(64) });
      addArtifact(store, { runId: run.id, kind: 'onnx', path: userOnnx, size: 4, sha256: 'b'.repeat(64) });
      store.close();
      expect(await call('runs.resume', { runId: run.id })).toMatchObject({ result: { id: run.id } });

      expect(await call('projects.delete', { projectId: p.result.id })).toEqual({ id: 1, result: { deleted: true } });
      expect(cancelled).toBe(true);
      expect(fs.existsSync(runDir)).toBe(false);
      expect(fs.readFileSync(userOnnx, 'utf8')).toBe('onnx');
    } finally {
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('opening a sample', () => {
  it('leaves no empty project behind when the sample cannot be imported', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-sample-'));
    const samples = path.join(home, 'samples');
    fs.mkdirSync(samples);
    fs.writeFileSync(path.join(samples, 'manifest.json'), JSON.stringify({ samples: [{ id: 'broken', title: 'Broken sample', task: 'classification', file: 'missing.csv', mapping: {} }] }));
    const saved = process.env.BERT_STUDIO_SAMPLES;
    process.env.BERT_STUDIO_SAMPLES = samples;
    const api = await createApi({
      home,
      mode: 'browser',
      core: {
        import: {
          preview: () => Promise.reject(new Error('not used')),
          analyze: () => Promise.reject(new Error('not used')),
          commit: () => Promise.reject(new Error('missing.csv could not be read.')),
          reportOf: () => undefined,
        },
      },
    });
    try {
      const call = (method: string, params: unknown) => dispatch(api.handlers, 1, method, params, { caller: 'a' });
      expect(await call('samples.open', { sampleId: 'broken' })).toMatchObject({ error: { message: 'missing.csv could not be read.' } });
      expect(await call('projects.list', {})).toEqual({ id: 1, result: [] });
    } finally {
      if (saved === undefined) delete process.env.BERT_STUDIO_SAMPLES;
      else process.env.BERT_STUDIO_SAMPLES = saved;
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
