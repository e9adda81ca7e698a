import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { ClusterState } from './cluster.svelte.ts';

describe('ClusterState', () => {
  it('exports a run as a job and says where', async () => {
    const t = new FakeTransport({ 'runs.exportJob': () => ({ runId: 3, folder: '/home/a/exports/run-3-job', files: 12 }) });
    const c = new ClusterState(new ApiClient(t));
    await c.exportJob(3);
    expect(t.calls).toEqual([{ method: 'runs.exportJob', params: { runId: 3 } }]);
    expect(c.exported?.folder).toBe('/home/a/exports/run-3-job');
  });

  it('imports a trained folder (path trimmed) and shows the refusal sentence otherwise', async () => {
    let ok = false;
    const t = new FakeTransport({
      'models.importTrained': () => {
        if (!ok) throw new Error('This folder does not say which run it was trained from.');
        return { runId: 5, sourceRun: 3, metrics: { validation: {}, test: { accuracy: 0.9 } } };
      },
    });
    const c = new ClusterState(new ApiClient(t));
    expect(await c.importTrained(' /tmp/out/model ')).toBeUndefined();
    expect(c.error).toBe('This folder does not say which run it was trained from.');
    ok = true;
    expect((await c.importTrained('/tmp/out/model'))?.runId).toBe(5);
    expect(t.calls[1]).toEqual({ method: 'models.importTrained', params: { path: '/tmp/out/model' } });
    expect(c.error).toBeNull();
  });
});
