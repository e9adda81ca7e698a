import path from 'node:path';
import type { ApiHandlers, CallContext, Handler } from '../../api/dispatch.ts';
import type { BaseModel, CommandName, EventData, EventName, ParamsOf, ProjectSummary, ResultOf } from '../../api/contract.ts';
import { ApiFailure } from '../../api/errors.ts';
import type { ProjectAccess } from './access.ts';

/** What the guard needs from the server besides the store's access rows. */
export interface GuardContext {
  readonly access: ProjectAccess;
  /** Bytes one upload may have (the chunked WebSocket upload and the streaming HTTP one). */
  readonly maxUploadBytes: number;
  /** Files a user uploaded: the only paths their imports may read on the server. */
  readonly uploads: UploadRegistry;
  /** Ids of the base models the administrator added (the server's manifest). */
  readonly baseModels: () => Promise<ReadonlySet<string>>;
}

/** Per-user sets of uploaded files; an import names one of these or is refused. */
export class UploadRegistry {
  readonly #byUser = new Map<string, Set<string>>();
  add(user: string, file: string): void {
    const set = this.#byUser.get(user) ?? new Set<string>();
    set.add(path.resolve(file));
    this.#byUser.set(user, set);
  }
  has(user: string, file: string): boolean {
    return this.#byUser.get(user)?.has(path.resolve(file)) ?? false;
  }
}

type Guarded = { [C in CommandName]: (p: ParamsOf<C>, ctx: CallContext, next: Handler<C>) => Promise<ResultOf<C>> | ResultOf<C> };

const refuse = (message: string): never => {
  throw new ApiFailure('forbidden', message);
};

/**
 * Project names are unique in the store; each user's names live under `user/` so two users can
 * both have "Tickets" and neither learns the other's names. Users see their own without the prefix.
 */
const stored = (user: string, name: string): string => `${user}/${name}`;
function shown<T extends ProjectSummary>(user: string, p: T): T {
  return p.name.startsWith(`${user}/`) ? { ...p, name: p.name.slice(user.length + 1) } : p;
}
/** Import job ids are chosen by clients: prefixed per user so one user's id cannot reach another's job. */
const jobOf = (user: string, jobId: string | undefined): string | undefined => (jobId === undefined ? undefined : `${user}:${jobId}`);

/**
 * The API as one user of the training server may use it. Every command is listed (a new command
 * in the contract does not compile until it is given a rule here): ids are checked against the
 * user's projects (403 `forbidden` for another user's), lists are filtered, and nothing can
 * name a server path except the user's own uploads.
 */
export function guardedHandlers(api: ApiHandlers, user: string, g: GuardContext): ApiHandlers {
  const { access } = g;
  const upload = (file: string) => {
    if (!g.uploads.has(user, file)) refuse('On a training server, import a file you uploaded: choose it again in the Import screen.');
  };
  // A pretrained base must be one the administrator added: the store also accepts a folder path
  // there, which would let a user train on (and download) any model folder on the server.
  const base = async (b: BaseModel) => {
    if (b.kind === 'pretrained' && !(await g.baseModels()).has(b.modelId)) refuse(`The base model '${b.modelId}' is not one this training server offers. Pick one from the list, or ask the administrator to add it (bert-studio models add).`);
  };
  const rules: Guarded = {
    'app.info': async (p, c, next) => ({ ...(await next(p, c)), home: 'training server' }),
    'projects.list': async (p, c, next) => {
      const mine = access.projectsOf(user);
      return (await next(p, c)).filter((x) => mine.has(x.id)).map((x) => shown(user, x));
    },
    'projects.create': async ({ name }, c, next) => {
      const created = await next({ name: stored(user, name) }, c);
      access.grant(created.id, user, 'owner');
      return shown(user, created);
    },
    'projects.rename': async ({ projectId, name }, c, next) => {
      access.checkProject(projectId, user, 'owner');
      return shown(user, await next({ projectId, name: stored(user, name) }, c));
    },
    'projects.delete': async (p, c, next) => {
      access.checkProject(p.projectId, user, 'owner');
      const r = await next(p, c);
      access.forget(p.projectId);
      return r;
    },
    'samples.list': (p, c, next) => next(p, c),
    'samples.open': async (p, c, next) => {
      const r = await next(p, c);
      access.grant(r.project.id, user, 'owner');
      // The sample service numbers names across the whole store ("… 2" when another user opened
      // it first); move the project under this user's names so nobody learns that.
      const title = (await api['samples.list']({}, c)).find((x) => x.id === p.sampleId)?.title ?? r.project.name;
      for (let i = 1; i < 100; i++) {
        try {
          const renamed = await api['projects.rename']({ projectId: r.project.id, name: stored(user, i === 1 ? title : `${title} ${i}`) }, c);
          return { ...r, project: shown(user, renamed) };
        } catch (err) {
          if ((err as { code?: string }).code !== 'conflict') throw err;
        }
      }
      return { ...r, project: shown(user, r.project) };
    },
    'uploads.begin': (p, c, next) => {
      if (p.size > g.maxUploadBytes) throw new ApiFailure('invalid_request', `This file is ${mb(p.size)}; this training server accepts uploads up to ${mb(g.maxUploadBytes)}. Split the file, or ask the administrator to raise --max-upload-mb.`);
      return next(p, c);
    },
    'uploads.chunk': (p, c, next) => next(p, c),
    'uploads.finish': async (p, c, next) => {
      const r = await next(p, c);
      g.uploads.add(user, r.path);
      return r;
    },
    'import.preview': (p, c, next) => {
      upload(p.path);
      return next(p, c);
    },
    'import.analyze': (p, c, next) => {
      upload(p.path);
      access.checkProject(p.projectId, user);
      return next({ ...p, jobId: jobOf(user, p.jobId) }, c);
    },
    'import.commit': (p, c, next) => {
      upload(p.path);
      access.checkProject(p.projectId, user);
      return next({ ...p, jobId: jobOf(user, p.jobId) }, c);
    },
    'import.cancel': (p, c, next) => next({ jobId: jobOf(user, p.jobId) ?? '' }, c),
    'datasets.list': (p, c, next) => (access.checkProject(p.projectId, user), next(p, c)),
    'datasets.get': (p, c, next) => (access.checkDataset(p.datasetId, user), next(p, c)),
    'datasets.delete': (p, c, next) => (access.checkDataset(p.datasetId, user, 'owner'), next(p, c)),
    'models.list': (p, c, next) => next(p, c),
    'models.addFolder': () => refuse('On a training server the administrator adds base models on the server: bert-studio models add FOLDER.'),
    'models.download': (p, c, next) => next(p, c),
    'models.cancelDownload': (p, c, next) => next(p, c),
    'runs.estimate': async (p, c, next) => {
      access.checkDataset(p.datasetId, user);
      await base(p.base);
      return next(p, c);
    },
    'runs.start': async (p, c, next) => {
      access.checkDataset(p.datasetId, user);
      await base(p.base);
      return next(p, c);
    },
    'runs.pause': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'runs.resume': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'runs.cancel': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'runs.get': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'runs.list': (p, c, next) => (access.checkProject(p.projectId, user), next(p, c)),
    'runs.metrics': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'evaluation.get': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'evaluation.cell': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'predict.run': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'export.start': (p, c, next) => {
      access.checkRun(p.runId, user);
      if (p.folder !== undefined) refuse('On a training server, exports go to the server’s export folder; download the model instead of naming a folder.');
      return next(p, c);
    },
    'export.list': (p, c, next) => (access.checkRun(p.runId, user), next(p, c)),
    'export.baseline': (p, c, next) => {
      access.checkRun(p.runId, user);
      if (p.folder !== undefined) refuse('On a training server, exports go to the server’s export folder; download the model instead of naming a folder.');
      return next(p, c);
    },
    'system.pickPath': (p, c, next) => next(p, c),
    'system.showInFolder': () => refuse('A training server cannot open folders on your computer.'),
    'system.devices': (p, c, next) => next(p, c),
    'system.cuda': (p, c, next) => next(p, c),
    'runs.exportJob': () => refuse('Export cluster jobs from a computer that has the run: download the model, or export the job on the server with bert-studio export-job.'),
    'models.importTrained': () => refuse('On a training server the administrator imports trained models on the server: bert-studio models add FOLDER.'),
    'server.status': (p, c, next) => next(p, c),
    'server.connect': () => refuse('A training server does not connect onward to another server.'),
    'server.disconnect': (p, c, next) => next(p, c),
    'server.downloadModel': () => refuse('Download models from the training server with the app connected to it.'),
    'system.enableCuda': () => refuse('Only the administrator installs software on the training server: bert-studio devices on the server says how.'),
    'system.cancelCuda': () => refuse('Only the administrator installs software on the training server: bert-studio devices on the server says how.'),
  };
  const out: Partial<Record<CommandName, unknown>> = {};
  for (const name of Object.keys(rules) as CommandName[]) {
    const rule = rules[name] as (p: unknown, c: CallContext, next: unknown) => unknown;
    out[name] = (p: unknown, c: CallContext) => rule(p, c, api[name]);
  }
  return out as ApiHandlers;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The events one user's connection receives: runs and exports of their projects only, their own
 * import jobs (with the id they chose), and the shared model downloads. Undefined drops the event.
 */
export function eventFor<E extends EventName>(user: string, access: ProjectAccess, event: E, data: EventData<E>): EventData<E> | undefined {
  if (event === 'import.progress') {
    const d = data as EventData<'import.progress'>;
    const prefix = `${user}:`;
    return d.jobId.startsWith(prefix) ? ({ ...d, jobId: d.jobId.slice(prefix.length) } as EventData<E>) : undefined;
  }
  const rule = EVENT_RULES[event] as EventRule<E>;
  if (rule === 'everyone') return data;
  if (rule === 'nobody') return undefined;
  return access.mayReadRun(rule(data), user) ? data : undefined;
}

/** Who hears an event: every user, no user (the server's own business), or the users of the run it names. */
type EventRule<E extends EventName> = 'everyone' | 'nobody' | ((d: EventData<E>) => number);

// Every event is listed: a new event does not compile until it is given a rule here.
const EVENT_RULES: { [E in Exclude<EventName, 'import.progress'>]: EventRule<E> } = {
  'models.download': 'everyone',
  'cuda.install': 'nobody',
  'run.progress': (d) => d.runId,
  'run.evaluation': (d) => d.runId,
  'run.status': (d) => d.id,
  'run.plan': (d) => d.runId,
  'export.progress': (d) => d.runId,
  'evaluation.ready': (d) => d.runId,
};
