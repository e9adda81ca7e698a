import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StudioServer } from '../../main/server/http.ts';

let server: StudioServer;
beforeAll(async () => {
  server = await startServer({ home: mkdtempSync(path.join(os.tmpdir(), 'bs-srv-')), staticDir: path.join(os.tmpdir(), 'no-renderer-here') });
});
afterAll(() => server.close());

describe('browser-mode server', () => {
  it('binds to 127.0.0.1 only', () => {
    const addr = server.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
  });

  it('refuses requests without the per-launch token', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/health`);
    expect(res.status).toBe(401);
    const wrong = await fetch(`http://127.0.0.1:${server.port}/api/health?token=nope`);
    expect(wrong.status).toBe(401);
  });

  it('serves with the token and sets a same-site cookie', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
    expect(await res.text()).toMatch(/BERT Studio/);
  });
});
