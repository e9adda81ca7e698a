import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { AppState } from './app.svelte.ts';
import { ProjectsState } from './projects.svelte.ts';

describe('AppState', () => {
  it('enables later steps only after the earlier choices', () => {
    const app = new AppState(new ApiClient(new FakeTransport()));
    expect(app.enabled('data')).toBe(false);
    app.openProject(1, 'P');
    expect(app.enabled('data')).toBe(true);
    expect(app.enabled('settings')).toBe(false);
    app.chooseDataset(2, 'ner');
    expect(app.enabled('settings')).toBe(true);
    expect(app.enabled('training')).toBe(false);
    app.chooseRun(3);
    app.go('training');
    expect(app.screen).toBe('training');
    app.openProject(9, 'Other');
    expect(app.runId).toBeNull();
    expect(app.datasetId).toBeNull();
  });
});

describe('ProjectsState', () => {
  it('keeps the list in step with create, rename and delete, and shows errors as sentences', async () => {
    const t = new FakeTransport({
      'projects.list': () => [],
      'samples.list': () => [],
      'projects.create': (p: { name: string }) => {
        if (p.name === 'dup') throw new Error("A project named 'dup' already exists. Pick another name.");
        return { id: 1, name: p.name, createdAt: '', datasets: 0 };
      },
      'projects.rename': (p: { projectId: number; name: string }) => ({ id: p.projectId, name: p.name, createdAt: '', datasets: 0 }),
      'projects.delete': () => ({ deleted: true }),
    });
    const s = new ProjectsState(new ApiClient(t));
    await s.load();
    await s.create('A');
    expect(s.projects.map((p) => p.name)).toEqual(['A']);
    await s.create('dup');
    expect(s.error).toBe("A project named 'dup' already exists. Pick another name.");
    await s.rename(1, 'B');
    expect(s.projects.map((p) => p.name)).toEqual(['B']);
    await s.remove(1);
    expect(s.projects).toEqual([]);
  });
});

describe('HistoryState', () => {
  it('compares runs on the metrics of the weights they kept', async () => {
    const { HistoryState } = await import('./history.svelte.ts');
    const metrics = [
      { step: 10, epoch: 1, name: 'accuracy', value: 0.5, split: 'validation' },
      { step: 20, epoch: 2, name: 'accuracy', value: 0.4, split: 'validation' },
      { step: 10, epoch: 1, name: 'final_accuracy', value: 0.5, split: 'validation' },
      { step: 20, epoch: 2, name: 'loss', value: 1, split: 'train' },
    ];
    const t = new FakeTransport({ 'runs.list': () => [{ id: 1 }], 'runs.get': () => ({ id: 1, settings: {} }), 'runs.metrics': () => metrics });
    const h = new HistoryState(new ApiClient(t));
    await h.load(1);
    expect(h.metricNames).toEqual(['accuracy']);
    expect(h.final(h.columns[0], 'accuracy')).toBe(0.5);
  });
});
