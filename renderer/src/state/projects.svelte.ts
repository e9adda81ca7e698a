import type { DatasetSummary, ProjectSummary, SampleInfo } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { messageOf } from '../lib/format.ts';

/** The project list with its create / rename / delete actions and the samples. */
export class ProjectsState {
  #projects = $state<ProjectSummary[]>([]);
  #samples = $state<SampleInfo[]>([]);
  #loading = $state(false);
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get projects(): ProjectSummary[] {
    return this.#projects;
  }
  get samples(): SampleInfo[] {
    return this.#samples;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** What is in progress, in words ("Opening the Banking77 sample…"), or null. */
  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  async #do<T>(label: string | null, fn: () => Promise<T>): Promise<T | undefined> {
    this.#error = null;
    if (label) this.#busy = label;
    try {
      return await fn();
    } catch (err) {
      this.#error = messageOf(err);
      return undefined;
    } finally {
      if (label) this.#busy = null;
    }
  }

  async load(): Promise<void> {
    this.#loading = true;
    await this.#do(null, async () => {
      const [projects, samples] = await Promise.all([this.#client.call('projects.list', {}), this.#client.call('samples.list', {})]);
      this.#projects = projects;
      this.#samples = samples;
    });
    this.#loading = false;
  }

  async create(name: string): Promise<ProjectSummary | undefined> {
    const p = await this.#do('Creating the project…', () => this.#client.call('projects.create', { name }));
    if (p) this.#projects = [p, ...this.#projects];
    return p;
  }

  async rename(projectId: number, name: string): Promise<boolean> {
    const p = await this.#do('Renaming…', () => this.#client.call('projects.rename', { projectId, name }));
    if (p) this.#projects = this.#projects.map((x) => (x.id === projectId ? p : x));
    return !!p;
  }

  async remove(projectId: number): Promise<boolean> {
    const r = await this.#do('Deleting…', () => this.#client.call('projects.delete', { projectId }));
    if (r) this.#projects = this.#projects.filter((x) => x.id !== projectId);
    return !!r;
  }

  async openSample(sample: SampleInfo): Promise<{ project: ProjectSummary; dataset: DatasetSummary } | undefined> {
    const r = await this.#do(`Opening the ${sample.title} sample…`, () => this.#client.call('samples.open', { sampleId: sample.id }));
    if (r) this.#projects = [r.project, ...this.#projects];
    return r;
  }
}
