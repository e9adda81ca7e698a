import { describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient } from './client.ts';
import { FakeTransport } from './fake-transport.ts';
import { Latest } from './latest.ts';

describe('ApiClient', () => {
  it('returns results and turns wire errors into ApiCallError with the code', async () => {
    const t = new FakeTransport({ 'projects.list': () => [{ id: 1 }] });
    const c = new ApiClient(t);
    expect(await c.call('projects.list', {})).toEqual([{ id: 1 }]);
    const err = await c.call('runs.get', { runId: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).code).toBe('unavailable');
  });

  it('delivers events to the listeners of that event only, until unsubscribed', () => {
    const t = new FakeTransport();
    const c = new ApiClient(t);
    const got: unknown[] = [];
    const off = c.on('run.progress', (p) => got.push(p.step));
    t.emit('run.progress', { step: 1 });
    t.emit('run.status', { id: 1 });
    off();
    t.emit('run.progress', { step: 2 });
    expect(got).toEqual([1]);
  });
});

describe('Latest', () => {
  it('drops a response that arrives after a newer request', async () => {
    const latest = new Latest();
    let release!: (v: string) => void;
    const slow = latest.run(() => new Promise<string>((r) => (release = r)));
    const fast = await latest.run(async () => 'new');
    release('old');
    expect(await slow).toBeUndefined();
    expect(fast).toBe('new');
  });
});
