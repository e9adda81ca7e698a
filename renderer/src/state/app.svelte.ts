import type { AppInfo, TaskKind } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';

export type Screen = 'projects' | 'data' | 'task' | 'columns' | 'model' | 'settings' | 'training' | 'evaluation' | 'try' | 'export' | 'history';

export const SCREENS: { id: Screen; label: string }[] = [
  { id: 'projects', label: 'Projects' },
  { id: 'data', label: 'Data file' },
  { id: 'task', label: 'Task' },
  { id: 'columns', label: 'Columns & checks' },
  { id: 'model', label: 'Base model' },
  { id: 'settings', label: 'Settings' },
  { id: 'training', label: 'Training' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'try', label: 'Try it' },
  { id: 'export', label: 'Export' },
  { id: 'history', label: 'History' },
];

/**
 * Where the user is in the wizard and what they picked: the project, the dataset and the run.
 * The selection is kept in the URL hash so a reload reopens the same screen and run.
 */
export class AppState {
  #screen = $state<Screen>('projects');
  #projectId = $state<number | null>(null);
  #projectName = $state('');
  #datasetId = $state<number | null>(null);
  #task = $state<TaskKind | null>(null);
  #runId = $state<number | null>(null);
  #info = $state<AppInfo | null>(null);

  readonly client: ApiClient;

  constructor(client: ApiClient) {
    this.client = client;
  }

  get screen(): Screen {
    return this.#screen;
  }
  get projectId(): number | null {
    return this.#projectId;
  }
  get projectName(): string {
    return this.#projectName;
  }
  get datasetId(): number | null {
    return this.#datasetId;
  }
  get task(): TaskKind | null {
    return this.#task;
  }
  get runId(): number | null {
    return this.#runId;
  }
  get info(): AppInfo | null {
    return this.#info;
  }

  /** Which screens make sense now: later steps need the earlier choices. */
  enabled(screen: Screen): boolean {
    switch (screen) {
      case 'projects':
        return true;
      case 'data':
      case 'task':
      case 'columns':
      case 'history':
        return this.#projectId !== null;
      case 'model':
      case 'settings':
        return this.#datasetId !== null;
      default:
        return this.#runId !== null;
    }
  }

  async load(): Promise<void> {
    this.#info = await this.client.call('app.info', {});
  }

  go(screen: Screen): void {
    if (this.enabled(screen)) {
      this.#screen = screen;
      this.#save();
    }
  }

  openProject(id: number, name: string): void {
    if (this.#projectId !== id) {
      this.#datasetId = null;
      this.#runId = null;
      this.#task = null;
    }
    this.#projectId = id;
    this.#projectName = name;
    this.#save();
  }

  closeProject(): void {
    this.#projectId = null;
    this.#datasetId = null;
    this.#runId = null;
    this.#task = null;
    this.#screen = 'projects';
    this.#save();
  }

  chooseDataset(id: number, task: TaskKind): void {
    this.#datasetId = id;
    this.#task = task;
    this.#save();
  }

  chooseTask(task: TaskKind): void {
    this.#task = task;
  }

  chooseRun(id: number): void {
    this.#runId = id;
    this.#save();
  }

  #save(): void {
    if (typeof location === 'undefined') return;
    const parts = [this.#screen, this.#projectId ?? '', this.#datasetId ?? '', this.#runId ?? '', this.#task ?? ''];
    history.replaceState(null, '', `${location.pathname}${location.search}#${parts.join('/')}`);
  }

  /** Restores the selection saved in the URL hash (reload, or reopening the window). */
  async restore(hash: string): Promise<void> {
    const [screen, project, dataset, run, task] = hash.replace(/^#/, '').split('/');
    const projectId = Number(project);
    if (!projectId) return;
    const projects = await this.client.call('projects.list', {});
    const p = projects.find((x) => x.id === projectId);
    if (!p) return;
    this.openProject(p.id, p.name);
    if (Number(dataset)) this.#datasetId = Number(dataset);
    if (task) this.#task = task as TaskKind;
    if (Number(run)) this.#runId = Number(run);
    if (screen && SCREENS.some((s) => s.id === screen)) this.go(screen as Screen);
  }
}
