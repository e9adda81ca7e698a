import type { ExportedClusterJob, ImportedTrainedRun } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

/** History's way to a cluster and back: write a run as a job, import the model the job trained. */
export class ClusterState {
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);
  #exported = $state<ExportedClusterJob | null>(null);
  #imported = $state<ImportedTrainedRun | null>(null);
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get exported(): ExportedClusterJob | null {
    return this.#exported;
  }
  get imported(): ImportedTrainedRun | null {
    return this.#imported;
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

  async exportJob(runId: number): Promise<void> {
    const r = await this.#do(`Writing run ${runId} as a cluster job…`, () => this.#client.call('runs.exportJob', { runId }));
    if (r) this.#exported = r;
  }

  /** The desktop's folder dialog; null when cancelled or in the browser (where the path is typed). */
  async pickFolder(): Promise<string | null> {
    return (await this.#do('Choosing a folder…', () => this.#client.call('system.pickPath', { purpose: 'model-folder' })))?.path ?? null;
  }

  async importTrained(path: string): Promise<ImportedTrainedRun | undefined> {
    const r = await this.#do('Importing and evaluating the trained model…', () => this.#client.call('models.importTrained', { path: path.trim() }));
    if (r) this.#imported = r;
    return r;
  }
}
