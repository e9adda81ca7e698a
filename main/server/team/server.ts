import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApi, type Api } from '../../api/services/index.ts';
import { readManifest } from '../../models/hub/manifest.ts';
import { VERSION } from '../../version.ts';
import { ProjectAccess } from './access.ts';
import { guardedHandlers, UploadRegistry } from './guard.ts';
import { isLoopback } from './listen.ts';
import { listModelFiles, modelFolderOf, sendModelFile } from './model-files.ts';
import { LoginLimiter } from './rate-limit.ts';
import { interruptedRuns, rememberLiveRuns, resumeRuns } from './resume.ts';
import { openTeamDb, type TeamDb } from './team-db.ts';
import { attachTeamWebSocket, TEAM_WS_PATH } from './team-ws.ts';
import { receiveUpload } from './upload-stream.ts';
import { userOfToken } from './users.ts';

export interface TeamServerOptions {
  home: string;
  host: string;
  port: number;
  /** PEM certificate and key; without them the server speaks plain HTTP, which only a loopback host may. */
  tls?: { cert: string; key: string };
  maxUploadBytes?: number;
  /** Failed logins per address and minute before it is refused for a minute. */
  maxLoginFailures?: number;
}

export interface TeamServer {
  readonly url: string;
  readonly port: number;
  readonly api: Api;
  /** Runs that were interrupted by the last stop and were put back in the queue. */
  readonly resumed: number[];
  close(): Promise<void>;
}

const HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'strict-transport-security': 'max-age=31536000' };
const UNAUTHORIZED = 'Unauthorized';

/** Discards (never stores) what is still coming for at most 2 s, so the client can read our answer, then closes. */
function closeSoon(req: IncomingMessage): void {
  req.resume();
  setTimeout(() => req.socket.destroy(), 2000).unref();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * `bert-studio serve --listen HOST:PORT`: the API for a team over HTTPS. Every request and
 * WebSocket carries `Authorization: Bearer <token>` of a user made with `bert-studio users add`;
 * anything else gets a bare 401 (no version, no hint whether the user exists), and an address
 * that fails too often gets 429 before its token is even looked at.
 */
export async function startTeamServer(opts: TeamServerOptions): Promise<TeamServer> {
  if (!opts.tls && !isLoopback(opts.host)) throw new Error(`Plain HTTP is only allowed on a loopback address (127.0.0.1, ::1), not ${opts.host}: give a certificate with --cert and --key, or let the server make one.`);
  const maxUploadBytes = opts.maxUploadBytes ?? 512 * 2 ** 20;
  const db: TeamDb = openTeamDb(opts.home);
  const toResume = interruptedRuns(opts.home, db);
  const api = await createApi({ home: opts.home, mode: 'browser' });
  const access = new ProjectAccess(db, api.store);
  const uploads = new UploadRegistry();
  const limiter = new LoginLimiter(opts.maxLoginFailures ?? 10);
  const uploadsDir = path.join(opts.home, 'tmp', 'uploads');
  const baseModels = async () => new Set((await readManifest(opts.home)).models.map((m) => m.id));
  const guards = new Map<string, ReturnType<typeof guardedHandlers>>();
  const handlersFor = (user: string) => guards.get(user) ?? guards.set(user, guardedHandlers(api.handlers, user, { access, uploads, maxUploadBytes, baseModels })).get(user)!;

  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  /** The user of a request, or the refusal to send: 429 while the address is blocked, else 401. */
  const authenticate = (req: IncomingMessage): { user: string; stillValid: () => boolean } | { status: 401 | 429; body: string } => {
    const address = addressOf(req);
    const wait = limiter.blockedFor(address);
    if (wait > 0) return { status: 429, body: `Too many failed logins from this address; try again in ${wait} s.` };
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const user = token ? userOfToken(db, token) : undefined;
    // A WebSocket lives long: each of its messages asks again, so a revoke also ends open sessions.
    if (user !== undefined) return { user, stillValid: () => userOfToken(db, token) === user };
    limiter.fail(address);
    return { status: 401, body: UNAUTHORIZED };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const login = authenticate(req);
    if (!('user' in login)) {
      const { status, body } = login;
      res.writeHead(status, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
      res.end(body);
      // A refused client gets no room to stream a body at us: its connection closes shortly.
      closeSoon(req);
      return;
    }
    const { user } = login;
    const url = new URL(req.url ?? '/', 'https://server');
    const model = /^\/api\/runs\/(\d+)\/model(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/api/health') return json(res, 200, { ok: true, version: VERSION, user, ws: TEAM_WS_PATH });
    if (req.method === 'PUT' && url.pathname === '/api/uploads') {
      const name = url.searchParams.get('name') ?? 'upload';
      const r = await receiveUpload(req, uploadsDir, name, maxUploadBytes);
      if (!r.ok) {
        // The rest of the body is discarded, not stored, for at most 2 s so the client can read
        // the 413 before the connection closes (closing at once resets it mid-write).
        res.writeHead(r.status, { ...HEADERS, 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ error: { code: 'invalid_request', message: r.message } }));
        closeSoon(req);
        return;
      }
      uploads.add(user, r.file);
      return json(res, 201, { path: r.file, bytes: r.bytes });
    }
    if (req.method === 'GET' && model) {
      const runId = Number(model[1]);
      try {
        access.checkRun(runId, user);
      } catch (err) {
        const code = (err as { code?: string }).code;
        return json(res, code === 'forbidden' ? 403 : 404, { error: { code, message: (err as Error).message } });
      }
      const dir = modelFolderOf(api.store, runId);
      if (!dir) return json(res, 409, { error: { code: 'conflict', message: `Run ${runId} has no trained model yet; wait until it has finished.` } });
      if (model[2] === undefined) return json(res, 200, { runId, files: listModelFiles(dir) });
      if (sendModelFile(dir, decodeURIComponent(model[2]), res, HEADERS)) return;
    }
    json(res, 404, { error: { code: 'not_found', message: 'There is nothing at this address on the training server.' } });
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      console.error('bert-studio: training server request failed:', err);
      if (!res.headersSent) json(res, 500, { error: { code: 'internal', message: 'The training server failed on this request; its log says why.' } });
      else res.destroy();
    });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, onRequest) : http.createServer(onRequest);
  // Large uploads on slow links take longer than Node's 5-minute default for a whole request.
  server.requestTimeout = 60 * 60_000;
  const wss = attachTeamWebSocket(server, authenticate, handlersFor, api.events, access);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const resumed = await resumeRuns(api, toResume, db);
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    api,
    resumed,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rememberLiveRuns(api, db);
      await api.close();
      db.close();
    },
  };
}
