import type { ResponseMessage } from '../../../main/api/contract.ts';
import type { Transport } from './client.ts';

type Handler = (params: never) => unknown;

/**
 * An in-memory transport for unit tests of the state classes: handlers per method, and `emit`
 * to push events. (End-to-end tests use the real server; this is only for logic in the UI.)
 */
export class FakeTransport implements Transport {
  readonly calls: { method: string; params: unknown }[] = [];
  readonly #listeners = new Set<(event: string, data: unknown) => void>();
  constructor(readonly handlers: Record<string, Handler> = {}) {}

  async request(id: number, method: string, params: unknown): Promise<ResponseMessage> {
    this.calls.push({ method, params });
    const h = this.handlers[method];
    if (!h) return { id, error: { code: 'unavailable', message: `${method} is not faked` } };
    try {
      return { id, result: await h(params as never) };
    } catch (err) {
      return { id, error: { code: 'data_error', message: (err as Error).message } };
    }
  }

  onEvent(listener: (event: string, data: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: string, data: unknown): void {
    for (const l of this.#listeners) l(event, data);
  }
}
