/**
 * The one typed client for every backend call. It speaks the contract of main/api/contract.ts
 * over the Electron preload bridge (`window.bertStudio`) when present, else over a WebSocket to
 * browser mode (the token comes from the page URL the server printed, or its cookie).
 */
import { COMMANDS, type ApiError, type CommandName, type EventData, type EventName, type ParamsOf, type ResponseMessage, type ResultOf } from '../../../main/api/contract.ts';

export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly details: string[];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.details = error.details ?? [];
  }
}

/** A way to reach the backend: send a request, receive events. */
export interface Transport {
  request(id: number, method: string, params: unknown, timeoutMs: number): Promise<ResponseMessage>;
  onEvent(listener: (event: string, data: unknown) => void): () => void;
  /** Called after a lost connection came back: events may have been missed meanwhile. */
  onReconnect?(listener: () => void): () => void;
}

type Listener = (data: unknown) => void;

export class ApiClient {
  #nextId = 1;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
    transport.onEvent((event, data) => {
      for (const l of this.#listeners.get(event) ?? []) l(data);
    });
  }

  async call<C extends CommandName>(method: C, params: ParamsOf<C>): Promise<ResultOf<C>> {
    const timeout = COMMANDS[method].timeoutMs ?? 60_000;
    const res = await this.#transport.request(this.#nextId++, method, params, timeout);
    if ('error' in res) throw new ApiCallError(res.error);
    return res.result as ResultOf<C>;
  }

  /** After a reconnection, state that follows events should be read again. */
  onReconnect(listener: () => void): () => void {
    return this.#transport.onReconnect?.(listener) ?? (() => undefined);
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }
}

/** What the preload exposes (electron/preload.ts). */
interface Bridge {
  invoke(method: string, params: unknown): Promise<ResponseMessage>;
  onEvent(listener: (event: string, data: unknown) => void): () => void;
}

function withTimeout<T>(p: Promise<T>, ms: number, method: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new ApiCallError({ code: 'unavailable', message: `The app did not answer "${method}" in time. Try again.` })), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export function bridgeTransport(bridge: Bridge): Transport {
  return {
    request: (_id, method, params, timeoutMs) => withTimeout(bridge.invoke(method, params), timeoutMs, method),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/**
 * Browser mode: one WebSocket per page, reconnected when it drops (the server restarted, the
 * laptop slept). Calls made while disconnected wait for the connection.
 */
export function webSocketTransport(url: string): Transport {
  const pending = new Map<number, { resolve(r: ResponseMessage): void; timer: ReturnType<typeof setTimeout> }>();
  const listeners = new Set<(event: string, data: unknown) => void>();
  const reconnectListeners = new Set<() => void>();
  let opened = 0;
  let socket: WebSocket | undefined;
  let ready: Promise<WebSocket> | undefined;
  let backoff = 250;

  const connect = (): Promise<WebSocket> =>
    (ready ??= new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        backoff = 250;
        socket = ws;
        resolve(ws);
        if (opened++ > 0) for (const l of reconnectListeners) l();
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as ResponseMessage | { event: string; data: unknown };
        if ('event' in msg) for (const l of listeners) l(msg.event, msg.data);
        else {
          const p = pending.get(msg.id);
          if (p) {
            clearTimeout(p.timer);
            pending.delete(msg.id);
            p.resolve(msg);
          }
        }
      };
      ws.onclose = () => {
        socket = undefined;
        ready = undefined;
        for (const [id, p] of pending) {
          clearTimeout(p.timer);
          p.resolve({ id, error: { code: 'unavailable', message: 'The connection to BERT Studio was lost. It reconnects by itself; try again in a moment.' } });
        }
        pending.clear();
        setTimeout(() => void connect().then(resolve), (backoff = Math.min(backoff * 2, 5000)));
      };
    }));

  void connect();
  return {
    async request(id, method, params, timeoutMs) {
      const ws = socket ?? (await connect());
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ id, error: { code: 'unavailable', message: `The app did not answer "${method}" in time. Try again.` } });
        }, timeoutMs);
        pending.set(id, { resolve, timer });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}

/** The client for this page: the Electron bridge if the preload put it there, else browser mode. */
export function connectClient(win: Window & { bertStudio?: Bridge } = window): ApiClient {
  if (win.bertStudio) return new ApiClient(bridgeTransport(win.bertStudio));
  const token = new URL(win.location.href).searchParams.get('token');
  const proto = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Without ?token= the HttpOnly cookie set by the first page load authenticates the socket.
  const url = `${proto}//${win.location.host}/api/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new ApiClient(webSocketTransport(url));
}
