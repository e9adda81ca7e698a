import { describe, expect, it } from 'vitest';
import type { TrainingServerStatus } from '../../../main/api/contract.ts';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { TrainingServerState } from './server.svelte.ts';

const ON: TrainingServerStatus = { connected: true, url: 'https://gpu.example:8443', user: 'alice', fingerprint: 'AB:CD' };

describe('TrainingServerState', () => {
  it('connects with trimmed fields, omits an empty fingerprint, and disconnects', async () => {
    const t = new FakeTransport({ 'server.status': () => ({ connected: false, url: null, user: null, fingerprint: null }), 'server.connect': () => ON, 'server.disconnect': () => ({ connected: false, url: null, user: null, fingerprint: null }) });
    const s = new TrainingServerState(new ApiClient(t));
    await s.load();
    expect(s.connected).toBe(false);
    expect(await s.connect(' https://gpu.example:8443 ', ' bst_token ', '  ')).toBe(true);
    expect(t.calls.find((c) => c.method === 'server.connect')?.params).toEqual({ url: 'https://gpu.example:8443', token: 'bst_token' });
    expect(s.status.user).toBe('alice');
    await s.disconnect();
    expect(s.connected).toBe(false);
  });

  it('shows the server’s sentence when the connection is refused and stays local', async () => {
    const t = new FakeTransport({
      'server.connect': () => {
        throw new Error('The training server refused this token.');
      },
    });
    const s = new TrainingServerState(new ApiClient(t));
    expect(await s.connect('https://gpu.example:8443', 'bad', 'AB:CD')).toBe(false);
    expect(s).toMatchObject({ connected: false, busy: null, error: 'The training server refused this token.' });
  });

  it('downloads a run’s model and remembers where it went', async () => {
    const t = new FakeTransport({ 'server.downloadModel': () => ({ localRunId: 4, projectId: 2, projectName: 'From training server', files: 6, bytes: 1000 }) });
    const s = new TrainingServerState(new ApiClient(t));
    await s.download(9);
    expect(t.calls[0]).toEqual({ method: 'server.downloadModel', params: { runId: 9 } });
    expect(s.downloaded?.localRunId).toBe(4);
  });
});
