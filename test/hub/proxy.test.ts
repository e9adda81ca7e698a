import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadModel } from '../../main/models/hub/download-model.ts';
import { openTunnel, proxyFor } from '../../main/models/hub/proxy.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { startForwardProxy, type ForwardProxy } from './forward-proxy.ts';

const REPO = 'tiny-org/bert-tiny';
const FOLDER = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity/bert-tiny-seqcls');

let hub: FakeHub;
let proxy: ForwardProxy;
beforeAll(async () => {
  hub = await startFakeHub(REPO, FOLDER);
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await hub.close();
  await proxy.close();
});

describe('proxy settings', () => {
  it('picks HTTPS_PROXY or HTTP_PROXY by scheme and honours NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'proxy.corp:3128', http_proxy: 'http://p2:8080', NO_PROXY: 'localhost,.internal.corp,cdn.example:8443' };
    expect(proxyFor(new URL('https://huggingface.co/x'), env)?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFor(new URL('http://huggingface.co/x'), env)?.host).toBe('p2:8080');
    expect(proxyFor(new URL('https://hub.internal.corp/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://internal.corp/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://cdn.example:8443/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://cdn.example/x'), env)?.host).toBe('proxy.corp:3128');
    expect(proxyFor(new URL('https://a.b/x'), { ...env, NO_PROXY: '*' })).toBeUndefined();
    expect(() => proxyFor(new URL('https://a.b/x'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(/only http:\/\/ proxies are supported/);
  });

  it('downloads a model through an HTTP proxy (hub and CDN both relayed)', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'bs-proxy-'));
    try {
      await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env: { HTTP_PROXY: proxy.url } });
      expect(proxy.log).toContain(`GET ${hub.endpoint}/api/models/${REPO}/revision/main?blobs=true`);
      expect(proxy.log).toContain(`GET ${hub.cdnOrigin}/blobs/model.safetensors`);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('opens a CONNECT tunnel through the proxy (what HTTPS downloads run TLS over)', async () => {
    const target = new URL(hub.endpoint);
    const socket = await openTunnel(new URL(proxy.url), target.hostname, Number(target.port));
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${hub.endpoint}/api/models/${REPO}/revision/main`, { createConnection: () => socket }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(proxy.log).toContain(`CONNECT ${target.host}`);
    expect(JSON.parse(body)).toMatchObject({ sha: hub.commit });
  });
});
