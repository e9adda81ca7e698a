import WebSocket from 'ws';
import type { CommandName, EventMessage, ParamsOf, ResponseMessage } from '../../main/api/contract.ts';

/** A minimal Node client of the WebSocket transport, for tests. */
export class TestClient {
  #next = 1;
  readonly events: EventMessage[] = [];
  readonly #pending = new Map<number, (r: ResponseMessage) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if ('event' in msg) this.events.push(msg);
      else this.#pending.get(msg.id)?.(msg);
    });
  }

  /** `ca`: the certificate a wss:// server is trusted by (the training server's tests). */
  static connect(url: string, headers: Record<string, string> = {}, ca?: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, ...(ca ? { ca } : {}) });
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  raw(method: string, params: unknown): Promise<ResponseMessage> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async call<C extends CommandName>(method: C, params: ParamsOf<C>): Promise<unknown> {
    const r = await this.raw(method, params);
    if ('error' in r) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result;
  }

  close(): void {
    this.ws.close();
  }
}
