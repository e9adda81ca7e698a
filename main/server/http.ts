import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveStatic, rendererDir } from './static.ts';
import { isAuthorized, newToken, TOKEN_COOKIE } from './token.ts';
import { VERSION } from '../version.ts';

export interface StudioServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  home: string;
  /** Folder of the built renderer; defaults to dist/renderer. */
  staticDir?: string;
}

// The page a user sees before the renderer has been built (`npm run build:renderer`).
const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>BERT Studio</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>BERT Studio ${VERSION}</h1>
<p>The server is running, but the user interface has not been built yet. Run <code>npm run build:renderer</code> and reload.</p></body></html>`;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * Browser mode: the UI and the API over HTTP on 127.0.0.1 only. Every request must carry the
 * per-launch token; the first page load takes it from the URL and keeps it in a same-site cookie.
 */
export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const token = newToken();
  const root = opts.staticDir ?? rendererDir();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!isAuthorized(req, url, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('This BERT Studio server needs the link with its token: open the URL that `bert-studio serve` printed.');
      return;
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (url.pathname === '/api/health') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, version: VERSION }));
      return;
    }
    if (!serveStatic(root, url.pathname, res, headers)) {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(PLACEHOLDER);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
