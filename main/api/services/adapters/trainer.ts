/** TrainerPort over main/train (TrainingJobs: one job at a time, state in the store). */
import type { Store } from '../../../store/index.ts';
import { TrainingJobs } from '../../../train/jobs.ts';
import type { BaseModel as TrainBase } from '../../../train/prepare.ts';
import type { RunSpec } from '../../../train/run-service.ts';
import type { BaseModel } from '../../types.ts';
import { baseModelFolder } from '../base-folder.ts';
import { planOfPrepared } from '../run-plan.ts';
import type { RunHandle, TrainerHooks, TrainerPort } from '../core.ts';

/** Hooks per run id: events of one run go to the hooks its start/resume was given. */
interface Session {
  jobs: TrainingJobs;
  hooks: Map<number, TrainerHooks>;
  totalSteps: Map<number, number>;
}

// One TrainingJobs per open store: it serializes training so two runs never fight over the cores.
const sessions = new WeakMap<Store, Session>();

function session(store: Store, home: string): Session {
  const s = sessions.get(store);
  if (s) return s;
  const jobs = new TrainingJobs(store, home);
  const created: Session = { jobs, hooks: new Map(), totalSteps: new Map() };
  jobs.on((runId, e) => {
    const h = created.hooks.get(runId);
    if (!h) return;
    switch (e.type) {
      case 'prepared': {
        created.totalSteps.set(runId, e.totalSteps);
        // run-service.ts stored the plan before this event reached us, so a page that reads the run then sees it too.
        h.onPlan(runId, planOfPrepared(e));
        h.onStatus(runId);
        break;
      }
      case 'step':
        h.onProgress({ runId, step: e.step, totalSteps: created.totalSteps.get(runId) ?? 0, epoch: e.epoch, loss: e.loss, learningRate: e.lr, examplesPerSecond: e.examplesPerSec, etaSeconds: e.etaSec });
        break;
      case 'evaluation':
        h.onEvaluation({ runId, step: e.step, epoch: e.epoch, metrics: e.validation, monitored: e.monitor, isBest: e.improved, patienceLeft: e.patienceLeft });
        break;
      default:
        // paused, resumed, finished, failed: the store row already says so.
        h.onStatus(runId);
    }
  });
  sessions.set(store, created);
  return created;
}

/** The API's base model → the trainer's: a cached model id becomes its folder. */
async function trainBase(home: string, base: BaseModel): Promise<TrainBase> {
  if (base.kind === 'scratch') return { kind: 'scratch', size: base.size };
  return { kind: 'folder', dir: await baseModelFolder(home, base.modelId) };
}

function handle(s: Session, runId: number): RunHandle {
  return {
    runId,
    pause: () => s.jobs.pause(runId),
    resume: () => s.jobs.resume(runId),
    cancel: () => s.jobs.cancel(runId),
    done: s.jobs.wait(runId).then(() => {
      s.hooks.delete(runId);
      s.totalSteps.delete(runId);
    }),
  };
}

export const trainerPort: TrainerPort = {
  async start(store, home, req, hooks) {
    const s = session(store, home);
    const spec: RunSpec = { task: req.task, base: await trainBase(home, req.base), hp: req.settings };
    const runId = s.jobs.start(req.projectId, req.datasetId, spec);
    s.hooks.set(runId, hooks);
    return handle(s, runId);
  },
  async resumeFromCheckpoint(store, home, runId, hooks) {
    const s = session(store, home);
    s.hooks.set(runId, hooks);
    s.jobs.resumeInterrupted(runId);
    return handle(s, runId);
  },
};
