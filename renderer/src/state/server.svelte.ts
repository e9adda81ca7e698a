import type { DownloadedModel, TrainingServerStatus } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

const LOCAL: TrainingServerStatus = { connected: false, url: null, user: null, fingerprint: null };

/**
 * Local mode or a team training server: the connection form (URL, token, certificate
 * fingerprint), its status, and downloading a finished run's model into the local store.
 * The token is sent to the core once and never kept by the page.
 */
export class TrainingServerState {
  #status = $state<TrainingServerStatus>(LOCAL);
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);
  #downloaded = $state<DownloadedModel | null>(null);
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get status(): TrainingServerStatus {
    return this.#status;
  }
  get connected(): boolean {
    return this.#status.connected;
  }
  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The last model downloaded from the server, to say where it went. */
  get downloaded(): DownloadedModel | null {
    return this.#downloaded;
  }

  async #do<T>(label: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.#busy) return undefined;
    this.#error = null;
    this.#busy = label;
    try {
      return await fn();
    } catch (err) {
      this.#error = messageOf(err);
      return undefined;
    } finally {
      this.#busy = null;
    }
  }

  async load(): Promise<void> {
    try {
      this.#status = await this.#client.call('server.status', {});
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  /** True when connected; the caller then reloads what it shows (the projects are the server's now). */
  async connect(url: string, token: string, fingerprint: string): Promise<boolean> {
    const s = await this.#do('Connecting to the training server…', () => this.#client.call('server.connect', { url: url.trim(), token: token.trim(), ...(fingerprint.trim() ? { fingerprint: fingerprint.trim() } : {}) }));
    if (s) this.#status = s;
    return s?.connected ?? false;
  }

  async disconnect(): Promise<void> {
    const s = await this.#do('Disconnecting…', () => this.#client.call('server.disconnect', {}));
    if (s) this.#status = s;
  }

  async download(runId: number): Promise<DownloadedModel | undefined> {
    const d = await this.#do(`Downloading the model of run ${runId}…`, () => this.#client.call('server.downloadModel', { runId }));
    if (d) this.#downloaded = d;
    return d;
  }
}
