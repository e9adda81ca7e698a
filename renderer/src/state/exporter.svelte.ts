import type { EventData, ExportArtifact, ExportFormat } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

export const FORMATS: { format: ExportFormat; label: string; detail: string }[] = [
  { format: 'onnx', label: 'ONNX', detail: 'Runs in ONNX Runtime from Python, Node, C#, Java… (float32, exact).' },
  { format: 'onnx-int8', label: 'ONNX int8', detail: 'About 4× smaller and faster on CPU; the metric change is reported.' },
  { format: 'hf', label: 'Hugging Face folder', detail: 'Loads back in Python with transformers; includes a model card.' },
];

/** Export of a finished run: chosen formats and folder, progress, and the verified artifacts. */
export class ExportState {
  #formats = $state<ExportFormat[]>(['onnx']);
  #folder = $state('');
  #jobId = $state<string | null>(null);
  #progress = $state<{ phase: string; fraction: number; format: ExportFormat | null } | null>(null);
  #artifacts = $state<ExportArtifact[]>([]);
  #outFolder = $state<string | null>(null);
  #error = $state<string | null>(null);
  /**
   * While `export.start` is in flight, the latest event of each job: the server starts the job
   * before it answers, so its first events (or, for a fast failure, its last) can arrive before
   * the page knows the job id.
   */
  #early: Record<string, EventData<'export.progress'>> | null = null;
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    client.on('export.progress', (p) => {
      if (this.#early) this.#early[p.jobId] = p;
      if (p.jobId === this.#jobId) this.#apply(p);
    });
  }

  #apply(p: EventData<'export.progress'>): void {
    this.#progress = { phase: p.phase, fraction: p.fraction, format: p.format };
    if (p.done) {
      this.#jobId = null;
      if (p.artifacts) this.#artifacts = p.artifacts;
      this.#error = p.error ?? null;
    }
  }

  get formats(): ExportFormat[] {
    return this.#formats;
  }
  get folder(): string {
    return this.#folder;
  }
  set folder(v: string) {
    this.#folder = v;
  }
  get running(): boolean {
    return this.#jobId !== null;
  }
  get progress(): { phase: string; fraction: number; format: ExportFormat | null } | null {
    return this.#progress;
  }
  get artifacts(): ExportArtifact[] {
    return this.#artifacts;
  }
  get outFolder(): string | null {
    return this.#outFolder;
  }
  get error(): string | null {
    return this.#error;
  }

  toggle(format: ExportFormat): void {
    this.#formats = this.#formats.includes(format) ? this.#formats.filter((f) => f !== format) : [...this.#formats, format];
  }

  async load(runId: number): Promise<void> {
    try {
      this.#artifacts = await this.#client.call('export.list', { runId });
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async pickFolder(): Promise<void> {
    try {
      const r = await this.#client.call('system.pickPath', { purpose: 'export-folder' });
      if (r.path) this.#folder = r.path;
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async start(runId: number): Promise<void> {
    this.#error = null;
    this.#artifacts = [];
    this.#progress = { phase: 'starting', fraction: 0, format: null };
    const early: Record<string, EventData<'export.progress'>> = {};
    this.#early = early;
    try {
      const job = await this.#client.call('export.start', { runId, formats: this.#formats, ...(this.#folder.trim() ? { folder: this.#folder.trim() } : {}) });
      this.#jobId = job.jobId;
      this.#outFolder = job.folder;
      const missed = early[job.jobId];
      if (missed) this.#apply(missed);
    } catch (err) {
      this.#progress = null;
      this.#error = messageOf(err);
    } finally {
      if (this.#early === early) this.#early = null;
    }
  }

  showInFolder(path: string): void {
    void this.#client.call('system.showInFolder', { path }).catch(() => undefined);
  }
}
