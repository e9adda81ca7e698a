import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveStatic, rendererDir } from './static.ts';
import { isAuthorized, newToken, requestUrl, TOKEN_COOKIE } from './token.ts';
import { VERSION } from '../version.ts';
import { createApi, type Api } from '../api/services/index.ts';
import { attachWebSocket, WS_PATH } from './ws.ts';

export interface StudioServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  readonly api: Api;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  home: string;
  /** Folder of the built renderer; defaults to dist/renderer. */
  staticDir?: string;
  /** The API to serve; defaults to the real services over the store in `home`. */
  api?: Api;
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
  // The server closes the API only when it created it; a caller that passed one owns it.
  const ownsApi = opts.api === undefined;
  const api = opts.api ?? (await createApi({ home: opts.home, mode: 'browser' }));
  const server = createServer((req, res) => {
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('This address is not valid. Open the URL that `bert-studio serve` printed.');
      return;
    }
    if (!isAuthorized(req, url, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('This BERT Studio server needs the link with its token: open the URL that `bert-studio serve` printed.');
      return;
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (url.pathname === '/api/health') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, version: VERSION, ws: WS_PATH }));
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
  const wss = attachWebSocket(server, api.handlers, api.events, token);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    api,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsApi) await api.close();
    },
  };
}
