import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { ExportState } from './exporter.svelte.ts';

const ARTIFACT = { format: 'onnx', path: '/out/onnx/model.onnx', sizeBytes: 10, verified: true };

describe('ExportState', () => {
  it('shows the end of an export whose events arrive before the answer to export.start', async () => {
    // The server starts the job before it answers: a fast failure (or a tiny model) can finish
    // and send its last event before the page learns the job id.
    const t: FakeTransport = new FakeTransport({
      'export.start': () => {
        t.emit('export.progress', { jobId: 'other', runId: 9, format: null, phase: 'done', fraction: 1, done: true, artifacts: [] });
        t.emit('export.progress', { jobId: 'job-1', runId: 1, format: null, phase: 'failed', fraction: 1, done: true, artifacts: [], error: 'The run has no trained model.' });
        return { jobId: 'job-1', runId: 1, folder: '/out' };
      },
    });
    const s = new ExportState(new ApiClient(t));
    await s.start(1);
    expect(s.running).toBe(false);
    expect(s.error).toBe('The run has no trained model.');
    expect(s.progress).toEqual({ phase: 'failed', fraction: 1, format: null });
  });

  it('follows its own job to the verified artifacts', async () => {
    const t = new FakeTransport({ 'export.start': () => ({ jobId: 'job-2', runId: 1, folder: '/out' }) });
    const s = new ExportState(new ApiClient(t));
    await s.start(1);
    expect(s.running).toBe(true);
    t.emit('export.progress', { jobId: 'job-2', runId: 1, format: 'onnx', phase: 'verifying', fraction: 0.5, done: false });
    expect(s.progress).toEqual({ phase: 'verifying', fraction: 0.5, format: 'onnx' });
    t.emit('export.progress', { jobId: 'job-2', runId: 1, format: null, phase: 'done', fraction: 1, done: true, artifacts: [ARTIFACT] });
    expect(s.running).toBe(false);
    expect(s.artifacts).toEqual([ARTIFACT]);
    expect(s.outFolder).toBe('/out');
  });
});
