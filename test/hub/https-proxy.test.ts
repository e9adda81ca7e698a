import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadModel } from '../../main/models/hub/download-model.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { startForwardProxy, type ForwardProxy } from './forward-proxy.ts';
import { runCli } from './run-cli.ts';

// HTTPS through a CONNECT proxy, end to end: the CLI in a child process trusts the test
// certificate via NODE_EXTRA_CA_CERTS, exactly as a user behind a TLS-inspecting proxy would.
const TLS_DIR = path.join(import.meta.dirname, 'tls');
const FOLDER = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity/distilbert-tiny-seqcls');
const REPO = 'tiny-org/distilbert-tiny';

let hub: FakeHub;
let proxy: ForwardProxy;
let home: string;
beforeAll(async () => {
  hub = await startFakeHub(REPO, FOLDER, { tls: { key: readFileSync(path.join(TLS_DIR, 'key.pem')), cert: readFileSync(path.join(TLS_DIR, 'cert.pem')) } });
  proxy = await startForwardProxy();
  home = await mkdtemp(path.join(os.tmpdir(), 'bs-https-'));
});
afterAll(async () => {
  await hub.close();
  await proxy.close();
  await rm(home, { recursive: true, force: true });
});

describe('hub download over HTTPS', () => {
  it('explains an untrusted certificate in a sentence that says what to do', async () => {
    await expect(downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env: {} })).rejects.toThrow(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*NODE_EXTRA_CA_CERTS/);
  });

  it('tunnels through HTTPS_PROXY with CONNECT to the hub and to the CDN it redirects to', async () => {
    const r = await runCli(home, ['models', 'add', REPO, '--json'], { HF_ENDPOINT: hub.endpoint, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'cert.pem') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ id: `${REPO}@main`, modelType: 'distilbert' });
    expect(proxy.log).toContain(`CONNECT ${new URL(hub.endpoint).host}`);
    expect(proxy.log).toContain(`CONNECT ${new URL(hub.cdnOrigin).host}`);
    expect(proxy.log.filter((l) => l.startsWith('GET'))).toEqual([]); // nothing in clear text
  });
});
