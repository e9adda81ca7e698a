import type { CudaInstallProgress, CudaStatus } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

/** "Enable NVIDIA CUDA" in the device panel: the status, the install's progress and its error. */
export class CudaState {
  #status = $state<CudaStatus | null>(null);
  #progress = $state<CudaInstallProgress | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #requested = false;
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    client.on('cuda.install', (p) => {
      // The error arrives with the failed call too; the event only ends the progress line.
      this.#progress = p.done ? null : p;
    });
  }

  get status(): CudaStatus | null {
    return this.#status;
  }
  get progress(): CudaInstallProgress | null {
    return this.#progress;
  }
  get error(): string | null {
    return this.#error;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** The button is offered where CUDA can be installed and is neither installed nor running (from onnxruntime-node's own install). */
  get offered(): boolean {
    const s = this.#status;
    return s?.supported === true && !s.installed && !s.active;
  }

  /** Asks once per app session; the status changes only through enable() or a restart. */
  async load(): Promise<void> {
    if (this.#requested) return;
    this.#requested = true;
    try {
      this.#status = await this.#client.call('system.cuda', {});
    } catch (err) {
      this.#requested = false;
      this.#error = messageOf(err);
    }
  }

  /** Stops the download; the next enable() resumes it. */
  cancel(): void {
    if (this.#busy) void this.#client.call('system.cancelCuda', {});
  }

  async enable(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#error = null;
    try {
      this.#status = await this.#client.call('system.enableCuda', {});
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#busy = false;
      this.#progress = null;
    }
  }
}
