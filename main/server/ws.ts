import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch, type ApiHandlers, type EventHub } from '../api/dispatch.ts';
import { isAuthorized, requestUrl } from './token.ts';

export const WS_PATH = '/api/ws';
/** Large enough for one upload chunk (1.5 MB of base64) plus the envelope. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

let connections = 0;

/**
 * The WebSocket transport of the API contract: one socket per page, JSON `{id, method, params}`
 * in, `{id, result}` or `{id, error}` out, and events pushed as `{event, data}`.
 */
export function attachWebSocket(server: Server, handlers: ApiHandlers, hub: EventHub, token: string): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = requestUrl(req);
    // The token alone stops other local users; the Origin check also stops any other web page
    // (which cannot read our cookie but could otherwise try a cross-site WebSocket).
    const host = req.headers.host ?? '';
    const originOk = req.headers.origin === undefined || req.headers.origin === `http://${host}`;
    if (url?.pathname !== WS_PATH || !isAuthorized(req, url, token) || !originOk) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, handlers, hub));
  });
  return wss;
}

function serveSocket(ws: WebSocket, handlers: ApiHandlers, hub: EventHub): void {
  const caller = `ws-${++connections}`;
  const unsubscribe = hub.subscribe((event, data) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, data }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', async (raw) => {
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(String(raw));
    } catch {
      ws.send(JSON.stringify({ id: -1, error: { code: 'invalid_request', message: 'The app sent a message the server could not read. Reload the page.' } }));
      return;
    }
    const id = typeof msg.id === 'number' ? msg.id : -1;
    const response = await dispatch(handlers, id, msg.method, msg.params, { caller });
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
  });
}
