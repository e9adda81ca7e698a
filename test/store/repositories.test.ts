import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../main/store/index.ts';
import {
  addArtifact,
  appendMetrics,
  createProject,
  createRun,
  createStaging,
  deleteProject,
  DuplicateProjectError,
  ensureProject,
  failInterruptedRuns,
  getDataset,
  getRun,
  insertDatasetFromStaging,
  listArtifacts,
  listDatasets,
  listMetrics,
  listProjects,
  listRuns,
  loadExamples,
  openStore,
  renameProject,
  updateRun,
} from '../../main/store/index.ts';
import { tempDir } from './helpers.ts';

let store: Store;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  store = openStore(t.dir);
});
afterEach(() => {
  store.close();
  cleanup();
});

function count(table: string): number {
  return store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

describe('projects', () => {
  it('creates, renames, refuses duplicate names ignoring case, and lists with the last run', () => {
    const a = createProject(store, '  Tickets ');
    expect(a.name).toBe('Tickets');
    expect(() => createProject(store, 'tickets')).toThrow(DuplicateProjectError);
    const b = createProject(store, 'Resumes');
    expect(() => renameProject(store, b.id, 'TICKETS')).toThrow(/already exists/);
    expect(renameProject(store, b.id, 'CVs').name).toBe('CVs');
    expect(ensureProject(store, 'cvs').id).toBe(b.id);

    const r1 = createRun(store, { projectId: a.id, datasetId: null, task: 'classification', baseModel: 'bert-tiny', config: { epochs: 3 } });
    updateRun(store, r1.id, { status: 'completed', bestMetricName: 'f1', bestMetric: 0.8, bestEpoch: 2 });
    const r2 = createRun(store, { projectId: a.id, datasetId: null, task: 'classification', baseModel: 'bert-tiny', config: { epochs: 5 } });
    updateRun(store, r2.id, { status: 'running' });
    const list = listProjects(store);
    const tickets = list.find((p) => p.id === a.id);
    expect(tickets?.runCount).toBe(2);
    expect(tickets?.lastRun?.id).toBe(r2.id);
    expect(tickets?.lastRun?.status).toBe('running');
    expect(list.find((p) => p.id === b.id)?.lastRun).toBeNull();
  });

  it('deleting a project cascades to runs, metrics and artifacts and returns artifact paths', () => {
    const p = createProject(store, 'P');
    const run = createRun(store, { projectId: p.id, datasetId: null, task: 'ner', baseModel: 'm', config: {} });
    appendMetrics(store, run.id, [{ step: 1, epoch: 0.1, split: 'train', name: 'loss', value: 1.5 }]);
    addArtifact(store, { runId: run.id, kind: 'onnx', path: '/h/runs/1/model.onnx', size: 10, sha256: 'a'.repeat(64) });
    expect(deleteProject(store, p.id)).toEqual({ deleted: true, artifactPaths: ['/h/runs/1/model.onnx'] });
    expect([count('runs'), count('metrics'), count('artifacts')]).toEqual([0, 0, 0]);
  });
});

describe('runs, metrics, artifacts', () => {
  it('stamps start and finish times from status changes and keeps the config JSON', () => {
    const p = createProject(store, 'P');
    const run = createRun(store, { projectId: p.id, datasetId: null, task: 'qa', baseModel: 'm', config: { lr: 3e-5, batch: 16 } });
    expect(run.status).toBe('queued');
    expect(run.startedAt).toBeNull();
    const running = updateRun(store, run.id, { status: 'running', device: 'cpu' });
    expect(running.startedAt).not.toBeNull();
    const done = updateRun(store, run.id, { status: 'cancelled', stoppedReason: 'user' });
    expect(done.finishedAt).not.toBeNull();
    expect(done.stoppedReason).toBe('user');
    expect(getRun(store, run.id)?.config).toEqual({ lr: 3e-5, batch: 16 });
    expect(() => updateRun(store, run.id, { status: 'bogus' as never })).toThrow();
    expect(listRuns(store, { projectId: p.id }).map((r) => r.id)).toEqual([run.id]);
  });

  it('marks runs left running by a dead process as failed', () => {
    const p = createProject(store, 'P');
    const run = createRun(store, { projectId: p.id, datasetId: null, task: 'qa', baseModel: 'm', config: {} });
    updateRun(store, run.id, { status: 'running' });
    expect(failInterruptedRuns(store)).toBe(1);
    expect(getRun(store, run.id)?.status).toBe('failed');
  });

  it('appends metrics in batches, skips non-finite values, lists them filtered in step order', () => {
    const p = createProject(store, 'P');
    const run = createRun(store, { projectId: p.id, datasetId: null, task: 'qa', baseModel: 'm', config: {} });
    appendMetrics(store, run.id, [
      { step: 2, epoch: 1, split: 'validation', name: 'f1', value: 0.5 },
      { step: 1, epoch: 0.5, split: 'train', name: 'loss', value: 2 },
      { step: 2, epoch: 1, split: 'train', name: 'loss', value: Number.NaN },
    ]);
    expect(listMetrics(store, run.id).map((m) => [m.step, m.name])).toEqual([
      [1, 'loss'],
      [2, 'f1'],
    ]);
    expect(listMetrics(store, run.id, { split: 'validation' })).toEqual([{ runId: run.id, step: 2, epoch: 1, split: 'validation', name: 'f1', value: 0.5 }]);
  });

  it('checks artifact kinds and hashes', () => {
    const p = createProject(store, 'P');
    const run = createRun(store, { projectId: p.id, datasetId: null, task: 'qa', baseModel: 'm', config: {} });
    expect(() => addArtifact(store, { runId: run.id, kind: 'onnx', path: '/x', size: 1, sha256: 'nothex' })).toThrow(/sha256/);
    expect(() => addArtifact(store, { runId: run.id, kind: 'zip' as never, path: '/x', size: 1, sha256: 'b'.repeat(64) })).toThrow();
    addArtifact(store, { runId: run.id, kind: 'checkpoint', path: '/c', size: 5, sha256: 'b'.repeat(64) });
    addArtifact(store, { runId: run.id, kind: 'onnx-int8', path: '/q', size: 3, sha256: 'c'.repeat(64) });
    expect(listArtifacts(store, run.id).map((a) => a.kind)).toEqual(['checkpoint', 'onnx-int8']);
    expect(listArtifacts(store, run.id, 'onnx-int8').map((a) => a.path)).toEqual(['/q']);
  });
});

describe('datasets from staging', () => {
  const meta = (projectId: number) => ({
    projectId,
    name: 'd',
    task: 'classification' as const,
    sourceFiles: ['a.csv'],
    format: 'csv',
    encoding: 'utf-8',
    mapping: { text: 'text', label: 'label' },
    labels: ['x', 'y'],
    slotLabels: [],
    multiLabel: false,
    report: { ok: true },
  });

  it('moves staged rows with their assigned splits in one transaction', () => {
    const p = createProject(store, 'P');
    const staging = createStaging(store);
    staging.add([0, 1, 2, 3].map((i) => ({ index: i, sourceLine: i + 2, data: JSON.stringify({ text: `t${i}`, labels: [i % 2 ? 'x' : 'y'] }) })));
    const ds = insertDatasetFromStaging(store, meta(p.id), staging, (i) => (i === 3 ? 'test' : 'train'));
    expect(ds.rowCount).toBe(4);
    expect(ds.splits).toEqual({ train: 3, validation: 0, test: 1 });
    expect(getDataset(store, ds.id)?.report).toEqual({ ok: true });
    expect(loadExamples(store, ds.id, 'test')).toEqual([{ rowId: expect.any(Number), split: 'test', sourceLine: 5, text: 't3', labels: ['x'] }]);
    expect(listDatasets(store, { projectId: p.id }).map((d) => d.id)).toEqual([ds.id]);
  });

  it('leaves nothing when the final write fails midway', () => {
    const p = createProject(store, 'P');
    const staging = createStaging(store);
    staging.add([{ index: 0, sourceLine: 2, data: '{}' }]);
    // An invalid split value violates the CHECK constraint inside the transaction.
    expect(() => insertDatasetFromStaging(store, meta(p.id), staging, () => 'nope' as never)).toThrow();
    expect([count('datasets'), count('examples')]).toEqual([0, 0]);
  });
});
