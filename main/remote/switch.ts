import fs from 'node:fs';
import type { ApiHandlers, CallContext } from '../api/dispatch.ts';
import type { CommandName, MetricPoint, RunDetail, TrainingServerStatus } from '../api/contract.ts';
import { ApiFailure } from '../api/errors.ts';
import type { ServiceContext } from '../api/services/context.ts';
import { isLoopback } from '../server/team/listen.ts';
import { normalizeFingerprint, pinnedTlsOptions } from './pinned-tls.ts';
import { RemoteClient, serverRequest, type ServerAddress } from './remote-client.ts';
import { downloadModel, uploadFile } from './transfer.ts';

export type ServerCommand = 'server.status' | 'server.connect' | 'server.disconnect' | 'server.downloadModel';
export type LocalHandlers = Omit<ApiHandlers, ServerCommand>;

/**
 * Commands that stay on this computer while connected: the app's own info, its file staging and
 * dialogs, and this machine's CUDA setup. Everything else — projects, imports, training,
 * evaluation, export — runs on the training server, with the same screens.
 */
const LOCAL: ReadonlySet<CommandName> = new Set<CommandName>(['app.info', 'uploads.begin', 'uploads.chunk', 'uploads.finish', 'system.pickPath', 'system.showInFolder', 'system.cuda', 'system.enableCuda', 'system.cancelCuda']);
const WITH_PATH: ReadonlySet<CommandName> = new Set<CommandName>(['import.preview', 'import.analyze', 'import.commit']);

interface Connection {
  client: RemoteClient;
  addr: ServerAddress;
  user: string;
  fingerprint: string | null;
  /** Local file (path, size, mtime) → the server's copy, so preview, check and import upload once. */
  uploads: Map<string, string>;
}

function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiFailure('invalid_request', `'${raw}' is not a server address. Write it as https://HOST:PORT, as \`bert-studio serve --listen\` printed it.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && !isLoopback(host)) throw new ApiFailure('invalid_request', 'A training server on another machine must use https://: the token would cross the network in the clear.');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiFailure('invalid_request', `The server address must start with https:// (not ${url.protocol}).`);
  return new URL(url.origin);
}

/**
 * Local mode (the default) or connected to a team training server. While connected, every
 * command but the LOCAL ones is forwarded over the pinned WSS connection and the server's events
 * reach the screens through the local event hub; files named by path are uploaded first.
 */
export function trainingServerSwitch(local: LocalHandlers, ctx: ServiceContext): { handlers: ApiHandlers; close(): void } {
  let conn: Connection | undefined;
  const status = (): TrainingServerStatus => ({ connected: conn?.client.open ?? false, url: conn?.addr.url.origin ?? null, user: conn?.user ?? null, fingerprint: conn?.fingerprint ?? null });
  const remote = (): Connection => {
    if (!conn) throw new ApiFailure('invalid_request', 'Connect to a training server first (Projects → Training server).');
    return conn;
  };
  const remotePath = async (c: Connection, file: string): Promise<string> => {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    const key = `${file}\0${st?.size}\0${st?.mtimeMs}`;
    const known = c.uploads.get(key);
    if (known) return known;
    const uploaded = await uploadFile(c.addr, file);
    c.uploads.set(key, uploaded);
    return uploaded;
  };

  const server: Pick<ApiHandlers, ServerCommand> = {
    'server.status': () => status(),
    'server.connect': async ({ url, token, fingerprint }) => {
      const base = parseServerUrl(url);
      const host = base.hostname.replace(/^\[|\]$/g, '');
      const port = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
      const pin = fingerprint ? normalizeFingerprint(fingerprint) : null;
      const tls = base.protocol === 'https:' && pin ? await pinnedTlsOptions(host, port, pin) : {};
      const addr: ServerAddress = { url: base, token, tls };
      const health = await serverRequest(addr, 'GET', '/api/health').catch((err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        throw new ApiFailure('unavailable', /self.signed|certificate/i.test(msg) ? 'The server’s certificate is not trusted by this computer: enter the fingerprint `bert-studio serve` printed.' : msg);
      });
      const text = await new Promise<string>((resolve) => {
        let s = '';
        health.on('data', (d: Buffer) => (s += d.toString()));
        health.on('end', () => resolve(s));
      });
      if (health.statusCode === 401) throw new ApiFailure('forbidden', 'The training server refused this token. Check it, or ask the administrator for a new one (bert-studio users add).');
      if (health.statusCode === 429) throw new ApiFailure('unavailable', 'The training server refused this computer for too many failed logins; wait a minute and try again.');
      if (health.statusCode !== 200) throw new ApiFailure('unavailable', `The server at ${base.origin} answered ${health.statusCode}; is it a BERT Studio training server?`);
      const user = (JSON.parse(text) as { user: string }).user;
      conn?.client.close();
      conn = undefined;
      const client = await RemoteClient.connect(addr, ctx.events, () => undefined);
      conn = { client, addr, user, fingerprint: pin, uploads: new Map() };
      return status();
    },
    'server.disconnect': () => {
      conn?.client.close();
      conn = undefined;
      return status();
    },
    'server.downloadModel': async ({ runId }) => {
      const c = remote();
      const detail = (await c.client.call('runs.get', { runId })) as RunDetail;
      if (detail.status !== 'completed') throw new ApiFailure('conflict', `Run ${runId} on the server is ${detail.status}; download it once it has finished.`);
      const metrics = (await c.client.call('runs.metrics', { runId })) as MetricPoint[];
      return downloadModel(c.addr, ctx.store, ctx.home, detail, metrics);
    },
  };

  const handlers: Partial<Record<CommandName, unknown>> = { ...server };
  for (const name of Object.keys(local) as (keyof LocalHandlers)[]) {
    const here = local[name] as (p: unknown, c: CallContext) => unknown;
    handlers[name] = async (params: unknown, c: CallContext) => {
      if (!conn || LOCAL.has(name)) return here(params, c);
      let p = params;
      if (WITH_PATH.has(name)) {
        const withPath = params as { path: string };
        p = { ...withPath, path: await remotePath(conn, withPath.path) };
      }
      return conn.client.call(name, p);
    };
  }
  return {
    handlers: handlers as ApiHandlers,
    close: () => {
      conn?.client.close();
      conn = undefined;
    },
  };
}
