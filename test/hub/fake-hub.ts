import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

/**
 * A real HTTP server that serves a model folder the way huggingface.co does:
 *  - GET /api/models/{repo}/revision/{rev}?blobs=true → { sha, siblings: [{ rfilename, size, blobId, lfs? }] }
 *  - GET /{repo}/resolve/{rev}/{file}: small files answered directly with the git blob id as
 *    ETag; LFS files (weights) answered 302 to a second server (the "CDN", another origin)
 *    with X-Linked-Etag = sha256, X-Linked-Size and X-Repo-Commit, as the hub does.
 * Both honour `Range: bytes=N-`. Tests can make it cut a connection mid-file, stall, or serve
 * corrupted bytes under the true metadata.
 */

export interface FakeHub {
  readonly endpoint: string;
  readonly cdnOrigin: string;
  readonly commit: string;
  /** Every request seen: `METHOD path range?`, hub and CDN. */
  readonly log: string[];
  /** Cut the connection after sending this many bytes of the file, once per entry. */
  readonly cutOnce: Map<string, number>;
  /** Send this many bytes then stall (never finish) — for cancellation tests. */
  readonly stall: Map<string, number>;
  /** Serve these files with one byte flipped (metadata stays that of the true file). */
  readonly corrupt: Set<string>;
  /** Behaviour switches: `ignoreRange` answers 200 with the whole file, as some servers do. */
  readonly flags: { ignoreRange: boolean };
  close(): Promise<void>;
}

const LFS = /\.(safetensors|bin|h5|msgpack)$/;

function gitSha1(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** Listens on a free port; tracks raw sockets so close() never waits on a keep-alive or half-open TLS connection. */
function listen(server: http.Server, scheme: string, sockets: Set<Socket>): Promise<string> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export interface FakeHubOptions {
  /** Files served besides the folder's, e.g. weights in formats that should not be fetched. */
  readonly extraFiles?: Record<string, Buffer>;
  /** A former name of the repo: requests for it get a 307 with a relative Location, as after a rename on the hub. */
  readonly renamedFrom?: string;
  /** Serve hub and CDN over HTTPS with this identity (see tls/README.md). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

export async function startFakeHub(repo: string, folder: string, options: FakeHubOptions = {}): Promise<FakeHub> {
  const extraFiles = options.extraFiles ?? {};
  const scheme = options.tls ? 'https' : 'http';
  const createServer = (handler: http.RequestListener): http.Server => (options.tls ? https.createServer(options.tls, handler) : http.createServer(handler));
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(folder)) if (!name.startsWith('expected') && name !== 'inputs.json') files.set(name, readFileSync(path.join(folder, name)));
  for (const [name, data] of Object.entries(extraFiles)) files.set(name, data);
  const commit = createHash('sha1').update(repo).digest('hex');
  const log: string[] = [];
  const cutOnce = new Map<string, number>();
  const stall = new Map<string, number>();
  const corrupt = new Set<string>();
  const flags = { ignoreRange: false };

  const sendFile = (req: http.IncomingMessage, res: http.ServerResponse, name: string, headers: Record<string, string>) => {
    let data = files.get(name)!;
    if (corrupt.has(name)) {
      data = Buffer.from(data);
      data[data.length >> 1] ^= 0xff;
    }
    const m = flags.ignoreRange ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (m) {
      start = Number(m[1]);
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-length': String(data.length - start), 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
    } else {
      res.writeHead(200, { ...headers, 'content-length': String(data.length) });
    }
    const body = data.subarray(start);
    const cut = cutOnce.get(name);
    const hang = stall.get(name);
    if (cut !== undefined && cut > start) {
      cutOnce.delete(name);
      // FIN, not RST: every byte written arrives, then the connection closes mid-body.
      res.write(body.subarray(0, cut - start), () => res.socket?.end());
    } else if (hang !== undefined) {
      res.write(body.subarray(0, hang)); // and never end
    } else {
      res.end(body);
    }
  };

  const cdn = createServer((req, res) => {
    log.push(`cdn ${req.method} ${req.url}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const name = decodeURIComponent((req.url ?? '').replace(/^\/blobs\//, ''));
    if (!files.has(name)) return void res.writeHead(404).end();
    sendFile(req, res, name, { etag: `"${createHash('sha256').update(files.get(name)!).digest('hex')}"` });
  });
  const sockets = new Set<Socket>();
  const cdnOrigin = await listen(cdn, scheme, sockets);

  const hub = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`hub ${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const old = options.renamedFrom;
    if (old && (url.pathname.startsWith(`/api/models/${old}/`) || url.pathname.startsWith(`/${old}/resolve/`))) {
      res.writeHead(307, { location: url.pathname.replace(`/${old}/`, `/${repo}/`) + url.search }).end();
      return;
    }
    const api = `/api/models/${repo}/revision/`;
    if (url.pathname.startsWith(api)) {
      const siblings = [...files].map(([rfilename, data]) => {
        const sha256 = createHash('sha256').update(data).digest('hex');
        return LFS.test(rfilename) ? { rfilename, size: data.length, blobId: gitSha1(Buffer.from(`pointer ${sha256}`)), lfs: { sha256, size: data.length, pointerSize: 134 } } : { rfilename, size: data.length, blobId: gitSha1(data) };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repo, sha: commit, siblings }));
      return;
    }
    const resolve = new RegExp(`^/${repo}/resolve/([^/]+)/(.+)$`).exec(url.pathname);
    const name = resolve ? decodeURIComponent(resolve[2]) : '';
    if (!resolve || !files.has(name)) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    const data = files.get(name)!;
    if (LFS.test(name)) {
      const sha256 = createHash('sha256').update(data).digest('hex');
      res.writeHead(302, { location: `${cdnOrigin}/blobs/${encodeURIComponent(name)}`, 'x-linked-etag': `"${sha256}"`, 'x-linked-size': String(data.length), 'x-repo-commit': commit, etag: `"${gitSha1(Buffer.from(`pointer ${sha256}`))}"` }).end();
      return;
    }
    sendFile(req, res, name, { etag: `"${gitSha1(data)}"`, 'x-repo-commit': commit });
  });
  const endpoint = await listen(hub, scheme, sockets);

  return {
    endpoint,
    cdnOrigin,
    commit,
    log,
    cutOnce,
    stall,
    corrupt,
    flags,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => hub.close(r)), new Promise((r) => cdn.close(r))]);
    },
  };
}
