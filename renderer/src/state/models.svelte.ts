import type { BaseModel, CatalogEntry, ModelInfo } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

export type ScratchSize = 'tiny' | 'mini' | 'small';

export const SCRATCH_SIZES: { size: ScratchSize; label: string; detail: string }[] = [
  { size: 'tiny', label: 'Tiny', detail: '2 layers, hidden size 128 — trains in minutes on a laptop' },
  { size: 'mini', label: 'Mini', detail: '4 layers, hidden size 256' },
  { size: 'small', label: 'Small', detail: '4 layers, hidden size 512' },
];

/** The base model: cached models, the catalog with downloads, a local folder, or from scratch. */
export class ModelsState {
  #cached = $state<ModelInfo[]>([]);
  #catalog = $state<CatalogEntry[]>([]);
  #downloads = $state<Record<string, { received: number; total: number; error?: string }>>({});
  #choice = $state<BaseModel>({ kind: 'scratch', size: 'tiny' });
  #error = $state<string | null>(null);
  #busy = $state<string | null>(null);
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    client.on('models.download', (p) => {
      if (p.done) {
        const { [p.repo]: _done, ...rest } = this.#downloads;
        this.#downloads = p.error ? { ...rest, [p.repo]: { received: 0, total: 0, error: p.error } } : rest;
      } else this.#downloads = { ...this.#downloads, [p.repo]: { received: p.received, total: p.total } };
    });
  }

  get cached(): ModelInfo[] {
    return this.#cached;
  }
  get catalog(): CatalogEntry[] {
    return this.#catalog;
  }
  get downloads(): Record<string, { received: number; total: number; error?: string }> {
    return this.#downloads;
  }
  get choice(): BaseModel {
    return this.#choice;
  }
  get error(): string | null {
    return this.#error;
  }
  get busy(): string | null {
    return this.#busy;
  }

  choose(base: BaseModel): void {
    this.#choice = base;
  }

  async load(): Promise<void> {
    try {
      const r = await this.#client.call('models.list', {});
      this.#cached = r.cached;
      this.#catalog = r.catalog;
      this.#error = null;
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async download(repo: string): Promise<void> {
    this.#downloads = { ...this.#downloads, [repo]: { received: 0, total: 0 } };
    try {
      const m = await this.#client.call('models.download', { repo });
      this.#cached = [...this.#cached.filter((x) => x.id !== m.id), m];
      this.#choice = { kind: 'pretrained', modelId: m.id };
    } catch (err) {
      this.#downloads = { ...this.#downloads, [repo]: { received: 0, total: 0, error: messageOf(err) } };
    }
  }

  cancelDownload(repo: string): void {
    void this.#client.call('models.cancelDownload', { repo });
  }

  async addFolder(path: string): Promise<void> {
    this.#busy = 'Reading the model folder…';
    this.#error = null;
    try {
      const m = await this.#client.call('models.addFolder', { path });
      this.#cached = [...this.#cached.filter((x) => x.id !== m.id), m];
      this.#choice = { kind: 'pretrained', modelId: m.id };
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#busy = null;
    }
  }

  async pickFolder(): Promise<void> {
    try {
      const r = await this.#client.call('system.pickPath', { purpose: 'model-folder' });
      if (r.path) await this.addFolder(r.path);
    } catch (err) {
      this.#error = messageOf(err);
    }
  }
}
