import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StudioServer } from '../../main/server/http.ts';

let dir: string;
const servers: StudioServer[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-static-'));
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www', 'index.html'), '<html>index</html>');
  fs.writeFileSync(path.join(dir, 'www', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
});

afterAll(async () => {
  for (const s of servers) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(staticDir: string): Promise<StudioServer> {
  const s = await startServer({ home: path.join(dir, 'home'), staticDir });
  servers.push(s);
  return s;
}

const get = async (s: StudioServer, p: string) => {
  const res = await fetch(`http://127.0.0.1:${s.port}${p}?token=${s.token}`);
  return { status: res.status, body: await res.text() };
};

/** Sends a raw request line, which fetch would refuse to build, and returns the status line. */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (b) => (data += String(b)));
    socket.on('close', () => resolve(data.split('\r\n')[0]));
    socket.on('error', reject);
    socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

describe('static serving of the built renderer', () => {
  it('serves files from a relative or slash-ended root, and nothing outside it', async () => {
    for (const root of [path.relative(process.cwd(), path.join(dir, 'www')), path.join(dir, 'www') + path.sep]) {
      const s = await serve(root);
      expect(await get(s, '/app.js')).toEqual({ status: 200, body: 'console.log(1)' });
      expect((await get(s, '/%2e%2e/secret.txt')).body).toBe('<html>index</html>');
      expect((await get(s, '/..%2fsecret.txt')).body).toBe('<html>index</html>');
    }
  });

  it('survives a malformed %-escape and a malformed request target', async () => {
    const s = await serve(path.join(dir, 'www'));
    expect(await get(s, '/%E0%A4%A')).toEqual({ status: 200, body: '<html>index</html>' });
    expect(await rawRequest(s.port, 'GET http://[ HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest(s.port, 'GET http://[ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')).toMatch(/^HTTP\/1\.1 40[01]/);
    expect(await get(s, '/app.js')).toEqual({ status: 200, body: 'console.log(1)' });
  });
});
