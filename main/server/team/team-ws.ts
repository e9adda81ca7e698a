import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch, type ApiHandlers, type EventHub } from '../../api/dispatch.ts';
import type { ProjectAccess } from './access.ts';
import { eventFor } from './guard.ts';

export const TEAM_WS_PATH = '/api/ws';
/** One upload chunk (1.5 MB of base64) plus the envelope, as in browser mode. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The user a request authenticates as, or the refusal (401, or 429 for an address that failed too often). */
export type Authenticate = (req: IncomingMessage) => { user: string; stillValid: () => boolean } | { status: 401 | 429; body: string };

let connections = 0;

/**
 * The training server's WebSocket: the same `{id, method, params}` protocol as browser mode,
 * but each socket is one authenticated user, gets that user's guarded handlers, and only the
 * events of that user's projects.
 */
export function attachTeamWebSocket(server: Server, authenticate: Authenticate, handlersFor: (user: string) => ApiHandlers, hub: EventHub, access: ProjectAccess): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const login = authenticate(req);
    const path = (req.url ?? '').split('?')[0];
    if (!('user' in login) || path !== TEAM_WS_PATH) {
      const { status, body } = 'user' in login ? { status: 404, body: 'Not found' } : login;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Unauthorized'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    const { user, stillValid } = login;
    wss.handleUpgrade(req, socket, head, (ws) => serveUser(ws, user, stillValid, handlersFor(user), hub, access));
  });
  return wss;
}

function serveUser(ws: WebSocket, user: string, stillValid: () => boolean, handlers: ApiHandlers, hub: EventHub, access: ProjectAccess): void {
  const caller = `team-${++connections}`;
  // Events can be many a second: the token is asked again at most once a second for them.
  let checkedAt = 0;
  let valid = true;
  const revoked = (): boolean => {
    if (Date.now() - checkedAt > 1000) {
      checkedAt = Date.now();
      valid = stillValid();
    }
    if (!valid) ws.close(4401, 'token revoked');
    return !valid;
  };
  const unsubscribe = hub.subscribe((event, data) => {
    if (ws.readyState !== ws.OPEN || revoked()) return;
    const shown = eventFor(user, access, event, data);
    if (shown !== undefined) ws.send(JSON.stringify({ event, data: shown }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', async (raw) => {
    // 4401 (the application's own close code): the token stopped working since the upgrade.
    checkedAt = 0;
    if (revoked()) return;
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(String(raw));
    } catch {
      ws.send(JSON.stringify({ id: -1, error: { code: 'invalid_request', message: 'The app sent a message the server could not read. Reconnect.' } }));
      return;
    }
    const id = typeof msg.id === 'number' ? msg.id : -1;
    const response = await dispatch(handlers, id, msg.method, msg.params, { caller });
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
  });
}
