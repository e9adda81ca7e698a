import type { ColumnMapping, DatasetSummary, FilePreview, ImportReport, SplitSettings, TaskKind } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

/** Which columns each task needs (required first), with the words the form shows. */
export const ROLES: Record<TaskKind, { role: keyof ColumnMapping; label: string; required: boolean }[]> = {
  classification: [
    { role: 'text', label: 'Text', required: true },
    { role: 'label', label: 'Label', required: true },
    { role: 'split', label: 'Split (train/validation/test)', required: false },
  ],
  intent: [
    { role: 'text', label: 'Text', required: true },
    { role: 'intent', label: 'Intent', required: true },
    { role: 'slots', label: 'Slot tags (BIO, one per word)', required: false },
    { role: 'split', label: 'Split (train/validation/test)', required: false },
  ],
  ner: [
    { role: 'tokens', label: 'Tokens', required: true },
    { role: 'tags', label: 'Tags (BIO)', required: true },
  ],
  qa: [
    { role: 'context', label: 'Context', required: true },
    { role: 'question', label: 'Question', required: true },
    { role: 'answer', label: 'Answer text', required: true },
    { role: 'answerStart', label: 'Answer start (character offset)', required: false },
    { role: 'id', label: 'Question id', required: false },
  ],
};

const CHUNK = 768 * 1024; // bytes per upload message; base64 makes it ~1 MB on the wire

/**
 * The import flow: a file (picked natively, or uploaded in browser mode), its preview, the
 * task, the column mapping with the server's guesses, split settings, the report, and the import.
 */
export class ImportState {
  #path = $state<string | null>(null);
  #fileName = $state('');
  /** The workbook sheet the preview shows, and so the one the import reads. */
  #sheet = $state<string | undefined>(undefined);
  #uploaded = $state(0);
  #uploadTotal = $state(0);
  #preview = $state<FilePreview | null>(null);
  #task = $state<TaskKind>('classification');
  #mapping = $state<ColumnMapping>({});
  #splits = $state<SplitSettings>({ mode: 'random', train: 0.8, validation: 0.1, test: 0.1, seed: 42 });
  #report = $state<ImportReport | null>(null);
  #progress = $state<{ phase: string; rows: number; fraction: number } | null>(null);
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);
  #datasets = $state<DatasetSummary[]>([]);
  #jobId = '';
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    client.on('import.progress', (p) => {
      if (p.jobId === this.#jobId) this.#progress = { phase: p.phase, rows: p.rows, fraction: p.bytesTotal ? p.bytesRead / p.bytesTotal : 0 };
    });
  }

  get path(): string | null {
    return this.#path;
  }
  get fileName(): string {
    return this.#fileName;
  }
  get sheet(): string | undefined {
    return this.#sheet;
  }
  get uploadFraction(): number {
    return this.#uploadTotal ? this.#uploaded / this.#uploadTotal : 0;
  }
  get preview(): FilePreview | null {
    return this.#preview;
  }
  get task(): TaskKind {
    return this.#task;
  }
  get mapping(): ColumnMapping {
    return this.#mapping;
  }
  get splits(): SplitSettings {
    return this.#splits;
  }
  get report(): ImportReport | null {
    return this.#report;
  }
  get progress(): { phase: string; rows: number; fraction: number } | null {
    return this.#progress;
  }
  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get datasets(): DatasetSummary[] {
    return this.#datasets;
  }

  /** Roles still unmapped that the task needs; the Import button waits for none. */
  missingRoles = $derived.by(() => (this.#preview?.fixedMapping ? [] : ROLES[this.#task].filter((r) => r.required && !this.#mapping[r.role]).map((r) => r.label)));
  splitSumOk = $derived(this.#splits.mode === 'file' || Math.abs(this.#splits.train + this.#splits.validation + this.#splits.test - 1) < 1e-6);

  async #do<T>(label: string, fn: () => Promise<T>): Promise<T | undefined> {
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

  reset(): void {
    this.#latest.invalidate();
    this.#path = null;
    this.#fileName = '';
    this.#sheet = undefined;
    this.#preview = null;
    this.#report = null;
    this.#mapping = {};
    this.#progress = null;
    this.#error = null;
  }

  async loadDatasets(projectId: number): Promise<void> {
    const list = await this.#latest.run(() => this.#client.call('datasets.list', { projectId }));
    if (list) this.#datasets = list;
  }

  /** Browser mode: sends the file's bytes to the server in order, then previews the copy. */
  async upload(file: File): Promise<void> {
    this.reset();
    this.#fileName = file.name;
    this.#uploadTotal = file.size;
    this.#uploaded = 0;
    const path = await this.#do(`Uploading ${file.name}…`, async () => {
      if (file.size === 0) throw new Error(`${file.name} is empty. Choose a file with data in it.`);
      const { uploadId } = await this.#client.call('uploads.begin', { fileName: file.name, size: file.size });
      for (let offset = 0; offset < file.size; offset += CHUNK) {
        const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
        await this.#client.call('uploads.chunk', { uploadId, offset, base64: toBase64(bytes) });
        this.#uploaded = Math.min(file.size, offset + CHUNK);
      }
      return (await this.#client.call('uploads.finish', { uploadId })).path;
    });
    if (path) await this.open(path, file.name);
  }

  /** Desktop: the native dialog gives a path on this computer. */
  async pick(): Promise<void> {
    const r = await this.#do('Choosing a file…', () => this.#client.call('system.pickPath', { purpose: 'import-file' }));
    if (r?.path) await this.open(r.path, r.path.split(/[\\/]/).pop() ?? r.path);
  }

  async open(path: string, fileName: string, sheet?: string): Promise<void> {
    this.#path = path;
    this.#fileName = fileName;
    this.#report = null;
    const preview = await this.#do(`Reading ${fileName}…`, () => this.#latest.run(() => this.#client.call('import.preview', { path, ...(sheet ? { sheet } : {}) })));
    if (!preview) return;
    this.#preview = preview;
    this.#sheet = sheet ?? preview.sheets?.[0];
    this.#mapping = { ...preview.guessedMapping };
    if (preview.guessedTask) this.#task = preview.guessedTask;
    if (preview.guessedMapping.split) this.#splits = { ...this.#splits, mode: 'file' };
  }

  setTask(task: TaskKind): void {
    this.#task = task;
    this.#report = null;
  }

  setRole(role: keyof ColumnMapping, column: string): void {
    const next = { ...this.#mapping };
    if (column) next[role] = column;
    else delete next[role];
    this.#mapping = next;
    this.#report = null;
  }

  setSplits(patch: Partial<SplitSettings>): void {
    this.#splits = { ...this.#splits, ...patch };
    this.#report = null;
  }

  #request(projectId: number) {
    if (!this.#path) throw new Error('Choose a file first.');
    this.#jobId = `import-${Date.now()}`;
    return { projectId, path: this.#path, task: this.#task, mapping: this.#mapping, splits: this.#splits, jobId: this.#jobId, ...(this.#sheet !== undefined ? { sheet: this.#sheet } : {}) };
  }

  async analyze(projectId: number): Promise<void> {
    const report = await this.#do('Checking every row…', () => this.#latest.run(() => this.#client.call('import.analyze', this.#request(projectId))));
    this.#progress = null;
    if (report) this.#report = report;
  }

  async commit(projectId: number): Promise<DatasetSummary | undefined> {
    const r = await this.#do('Importing…', () => this.#client.call('import.commit', this.#request(projectId)));
    this.#progress = null;
    if (!r) return undefined;
    this.#report = r.report;
    this.#datasets = [r.dataset, ...this.#datasets];
    return r.dataset;
  }

  cancel(): void {
    if (this.#jobId) void this.#client.call('import.cancel', { jobId: this.#jobId });
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
