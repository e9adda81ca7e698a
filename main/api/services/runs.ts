import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import type { RunEvaluationPoint, RunProgress } from '../types.ts';
import { getBaseline, getDataset, getRun, listMetrics, listRuns, getProject } from '../../store/index.ts';
import type { Run } from '../../store/types.ts';
import type { ServiceContext } from './context.ts';
import { baselineInfo } from './baseline-info.ts';
import { runDetail as detailOf, runSummary as summaryOf } from './convert.ts';
import type { RunHandle, TrainerHooks, TrainerPort } from './core.ts';
import { devicesOfThisMachine } from './devices.ts';
import { estimateRuns } from './estimate.ts';
import { datasetLengths } from './lengths.ts';
import { longTextNote } from './long-texts.ts';
import { modelShape } from './model-shape.ts';
import { need } from './need.ts';
import { checkDevice, checkSettingsForModel } from './settings-check.ts';

type RunHandlers = Pick<ApiHandlers, 'runs.estimate' | 'runs.start' | 'runs.pause' | 'runs.resume' | 'runs.cancel' | 'runs.get' | 'runs.list' | 'runs.metrics'>;

const WAITING = 'main/train startRun';

/**
 * Training runs. The trainer (main/train) does the work in this process; this service keeps the
 * handles of live runs, forwards their events to every page, and remembers the latest progress
 * so a page that reconnects sees the run where it is.
 */
export function runsService(ctx: ServiceContext, trainer: TrainerPort | undefined): RunHandlers & { close(): Promise<void>; stop(runIds: readonly number[]): Promise<void> } {
  const live = new Map<number, RunHandle>();
  // Runs whose resume from a checkpoint is under way: a second click meanwhile must not start a second trainer on the same run.
  const resuming = new Set<number>();
  const latest = new Map<number, { progress?: RunProgress; evaluation?: RunEvaluationPoint }>();
  // Every run the API returns carries its baseline once trained (issue 15): Training draws it, History lists it.
  const withBaseline = <T extends object>(r: Run, out: T): T => {
    const b = getBaseline(ctx.store, r.id);
    return b ? { ...out, baseline: baselineInfo(r, b) } : out;
  };
  const runSummary = (r: Run) => withBaseline(r, summaryOf(r));
  const runDetail = (r: Run) => withBaseline(r, detailOf(r));

  // A tiny model takes dozens of steps a second: pages get at most ~5 progress events a second
  // per run (the store keeps every step for the chart's history).
  const lastSent = new Map<number, number>();
  const hooks: TrainerHooks = {
    onProgress: (p) => {
      latest.set(p.runId, { ...latest.get(p.runId), progress: p });
      const now = Date.now();
      if (now - (lastSent.get(p.runId) ?? 0) < 200 && p.step < p.totalSteps) return;
      lastSent.set(p.runId, now);
      ctx.events.emit('run.progress', p);
    },
    onEvaluation: (e) => {
      latest.set(e.runId, { ...latest.get(e.runId), evaluation: e });
      ctx.events.emit('run.evaluation', e);
    },
    onPlan: (runId, plan) => ctx.events.emit('run.plan', { runId, plan }),
    onStatus: (runId) => {
      const r = getRun(ctx.store, runId);
      if (r) ctx.events.emit('run.status', runSummary(r));
    },
  };

  const track = (handle: RunHandle) => {
    live.set(handle.runId, handle);
    void handle.done.finally(() => {
      live.delete(handle.runId);
      hooks.onStatus(handle.runId);
    });
  };

  /** Cancels these runs where they are live and waits until they have stopped writing. */
  const stop = async (runIds: readonly number[]): Promise<void> => {
    const handles = runIds.flatMap((id) => live.get(id) ?? []);
    for (const h of handles) h.cancel();
    await Promise.allSettled(handles.map((h) => h.done));
  };

  const existing = (runId: number) => {
    const r = getRun(ctx.store, runId);
    if (!r) throw notFound('This run');
    return r;
  };
  const handleOf = (runId: number): RunHandle => {
    const r = existing(runId);
    const h = live.get(runId);
    if (!h) throw new ApiFailure('conflict', `Run ${runId} is not running (it is ${r.status}).`);
    return h;
  };

  return {
    'runs.estimate': async ({ datasetId, base, settings }) => {
      const d = getDataset(ctx.store, datasetId);
      if (!d) throw notFound('This dataset');
      const shape = await modelShape(ctx.home, base, d);
      // Never a silent CPU fallback: the device line says why no GPU is used.
      const { sentence } = await devicesOfThisMachine();
      const e = estimateRuns({ task: d.task, trainRows: d.splits.train, base, shape, lengths: datasetLengths(ctx.store, d), device: sentence, ...(settings ? { settings } : {}) });
      const longTexts = longTextNote(d, (settings ?? e.presets[0]?.settings)?.maxLength ?? 128);
      return longTexts ? { ...e, longTexts } : e;
    },
    'runs.start': async ({ datasetId, base, settings }) => {
      const t = need(trainer, 'Training', WAITING);
      const d = getDataset(ctx.store, datasetId);
      if (!d) throw notFound('This dataset');
      if (d.splits.train === 0) throw new ApiFailure('data_error', 'This dataset has no training examples. Import it again with a train share above 0.');
      // Frozen layers and the memory limit depend on the model and this computer: checked before a run row exists.
      checkSettingsForModel(settings, await modelShape(ctx.home, base, d));
      await checkDevice(settings);
      const handle = await t.start(ctx.store, ctx.home, { projectId: d.projectId, datasetId, task: d.task, base, settings }, hooks);
      track(handle);
      return runSummary(existing(handle.runId));
    },
    'runs.pause': ({ runId }) => {
      handleOf(runId).pause();
      return runSummary(existing(runId));
    },
    'runs.resume': async ({ runId }) => {
      const h = live.get(runId);
      if (h) h.resume();
      else {
        const r = existing(runId);
        if (r.status === 'completed') throw new ApiFailure('conflict', `Run ${runId} has finished; start a new run to train more.`);
        if (resuming.has(runId)) throw new ApiFailure('conflict', `Run ${runId} is already resuming; wait for it to continue.`);
        const t = need(trainer, 'Resuming a run', WAITING);
        const resumeFrom = need(t.resumeFromCheckpoint, 'Resuming an interrupted run', 'main/train resumeRun');
        resuming.add(runId);
        try {
          track(await resumeFrom(ctx.store, ctx.home, runId, hooks));
        } finally {
          resuming.delete(runId);
        }
      }
      return runSummary(existing(runId));
    },
    'runs.cancel': ({ runId }) => {
      handleOf(runId).cancel();
      return runSummary(existing(runId));
    },
    'runs.get': ({ runId }) => {
      const r = existing(runId);
      const l = latest.get(runId);
      return { ...runDetail(r), ...(l?.progress ? { progress: l.progress } : {}), ...(l?.evaluation ? { lastEvaluation: l.evaluation } : {}) };
    },
    'runs.list': ({ projectId }) => {
      if (!getProject(ctx.store, projectId)) throw notFound('This project');
      return listRuns(ctx.store, { projectId }).map((r) => runSummary(r));
    },
    'runs.metrics': ({ runId }) => {
      existing(runId);
      return listMetrics(ctx.store, runId).map(({ step, epoch, name, value, split }) => ({ step, epoch, name, value, split }));
    },
    // Cancel live runs on shutdown; their last checkpoint stays and they can be resumed.
    close: () => stop([...live.keys()]),
    stop,
  };
}
