import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { COMMANDS, type CommandName, type EventName, type ResponseMessage } from '../api/contract.ts';
import type { EventHub } from '../api/dispatch.ts';
import { ApiFailure } from '../api/errors.ts';

const DEFAULT_TIMEOUT_MS = 60_000;

export interface ServerAddress {
  url: URL;
  token: string;
  tls: ConnectionOptions;
}

/** GET/PUT on the training server with the token and the pinned TLS options. */
export function serverRequest(addr: ServerAddress, method: string, pathAndQuery: string, body?: NodeJS.ReadableStream, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(pathAndQuery, addr.url), { method, ...addr.tls, headers: { authorization: `Bearer ${addr.token}`, ...headers } }, resolve);
    req.on('error', (err) => reject(new ApiFailure('unavailable', `The training server did not answer (${err.message}). Check the connection in Projects → Training server.`)));
    if (body) body.pipe(req);
    else req.end();
  });
}

/**
 * One WebSocket to the training server speaking the app's own protocol: requests are answered by
 * id, and the server's events (only this user's runs) are re-emitted on the local hub so the
 * screens see remote runs exactly as local ones.
 */
export class RemoteClient {
  #next = 1;
  readonly #pending = new Map<number, { resolve(r: ResponseMessage): void; timer: NodeJS.Timeout }>();
  #closedBecause: string | undefined;

  private constructor(
    private readonly ws: WebSocket,
    hub: EventHub,
    onClose: (why: string) => void,
  ) {
    ws.on('message', (raw) => {
      let msg: { id?: number; event?: EventName; data?: unknown };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (msg.event !== undefined) hub.emit(msg.event, msg.data as never);
      else if (typeof msg.id === 'number') {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (p) {
          clearTimeout(p.timer);
          p.resolve(msg as ResponseMessage);
        }
      }
    });
    ws.on('close', (code) => {
      this.#closedBecause = code === 1000 ? 'disconnected' : `the connection closed (${code})`;
      for (const [id, p] of this.#pending) {
        clearTimeout(p.timer);
        p.resolve({ id, error: { code: 'unavailable', message: `The training server connection was lost (${this.#closedBecause}). Reconnect in Projects → Training server.` } });
      }
      this.#pending.clear();
      onClose(this.#closedBecause);
    });
  }

  static connect(addr: ServerAddress, hub: EventHub, onClose: (why: string) => void): Promise<RemoteClient> {
    const wsUrl = new URL('/api/ws', addr.url);
    wsUrl.protocol = addr.url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { ...addr.tls, headers: { authorization: `Bearer ${addr.token}` }, handshakeTimeout: 15_000 });
      ws.once('open', () => resolve(new RemoteClient(ws, hub, onClose)));
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        reject(new ApiFailure(status === 429 ? 'unavailable' : 'forbidden', status === 401 ? 'The training server refused this token. Check it, or ask the administrator for a new one (bert-studio users add).' : status === 429 ? 'The training server refused this computer for too many failed logins; wait a minute and try again.' : `The training server answered ${status}. Check the address.`));
        ws.terminate();
      });
      ws.once('error', (err) => reject(new ApiFailure('unavailable', `Cannot connect to the training server (${err.message}). Check the address, the fingerprint and the firewall.`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  async call(method: CommandName, params: unknown): Promise<unknown> {
    if (!this.open) throw new ApiFailure('unavailable', `The training server is not connected (${this.#closedBecause ?? 'closed'}). Reconnect in Projects → Training server.`);
    const id = this.#next++;
    const timeout = (COMMANDS[method] as { timeoutMs?: number }).timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await new Promise<ResponseMessage>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ id, error: { code: 'unavailable', message: 'The training server did not answer in time. Try again.' } });
      }, timeout);
      this.#pending.set(id, { resolve, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
    if ('error' in r) throw new ApiFailure(r.error.code, r.error.message, r.error.details ?? []);
    return r.result;
  }

  close(): void {
    this.ws.close(1000);
  }
}
