import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData, RunDetail, RunPlan, RunSummary, TrainSettings } from '../../main/api/contract.ts';
import { dispatch } from '../../main/api/dispatch.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { planLine } from '../../main/api/wording.ts';
import { createRun, openStore } from '../../main/store/index.ts';

// The trainer's device and batch plan (its `prepared` event) reaches the pages as `run.plan`, is
// stored with the run, and is still there when the app is opened again — real trainer, real store.

const SETTINGS: TrainSettings = { epochs: 1, batchSize: 16, lr: 1e-3, maxLength: 32, warmupRatio: 0.1, weightDecay: 0.01, patience: 1, minDelta: 0, maxGradNorm: 1, seed: 42, stride: 128 };
const SCRATCH = { kind: 'scratch', size: 'tiny' } as const;

let home: string;
let api: Api;

const call = async <T>(method: string, params: unknown): Promise<T> => {
  const r = await dispatch(api.handlers, 1, method, params, { caller: 'test' });
  if ('error' in r) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
};

async function waitForStatus(runId: number, statuses: readonly string[]): Promise<RunDetail> {
  for (let i = 0; i < 1200; i++) {
    const run = await call<RunDetail>('runs.get', { runId });
    if (statuses.includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} never reached ${statuses.join('/')}`);
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-run-plan-'));
});
afterAll(async () => {
  await api?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the run’s plan', () => {
  let runId: number;
  let projectId: number;
  let announced: RunPlan;

  it('is announced when training starts and stored with the run', async () => {
    api = await createApi({ home, mode: 'browser' });
    const opened = await call<{ project: { id: number }; dataset: { id: number } }>('samples.open', { sampleId: 'banking77' });
    projectId = opened.project.id;
    const plans: EventData<'run.plan'>[] = [];
    const unsubscribe = api.events.subscribe((event, data) => {
      if (event === 'run.plan') plans.push(data as EventData<'run.plan'>);
    });
    // Passes of 4 with a 2 GiB limit: the plan must be the trainer's, not the form's defaults.
    const started = await call<RunSummary>('runs.start', { datasetId: opened.dataset.id, base: SCRATCH, settings: { ...SETTINGS, microBatch: 4, maxMemoryMiB: 2048 } });
    runId = started.id;
    for (let i = 0; i < 1200 && plans.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    unsubscribe();
    expect(plans).toHaveLength(1);
    expect(plans[0].runId).toBe(runId);
    announced = plans[0].plan;
    // No device in the settings: 'auto', which keeps to the CPU here and says why (no GPU adapter, or a software one).
    expect(announced).toEqual({ device: 'cpu', cores: os.availableParallelism(), deviceReason: expect.stringMatching(/^WebGPU /), precision: 'fp32', precisionReason: 'full precision (fp32) on the CPU.', batchSize: 16, microBatch: 4, accumulation: 4, peakMiB: expect.any(Number), budgetMiB: 2048, fits: true });
    expect((await call<RunDetail>('runs.get', { runId })).device).toBe('cpu');
    expect(announced.peakMiB).toBeGreaterThan(0);
    expect(announced.peakMiB).toBeLessThan(2048);
    expect((await call<RunDetail>('runs.get', { runId })).plan).toEqual(announced);
    await call('runs.cancel', { runId }).catch(() => undefined);
    await waitForStatus(runId, ['cancelled', 'completed', 'failed']);
  }, 180_000);

  it('is still there after the app is closed and opened again', async () => {
    await api.close();
    api = await createApi({ home, mode: 'browser' });
    const run = await call<RunDetail>('runs.get', { runId });
    expect(run.plan).toEqual(announced);
    expect(planLine(run.plan!, false)).toMatch(/^Trained on the CPU \(\d+ cores?\) · batch 16 as 4 passes of 4 \(gradient accumulation\) · about \d+ MiB of the 2 GiB limit$/);
  });

  it('is absent for a run the trainer never prepared, rather than made up', async () => {
    const store = openStore(home);
    let id: number;
    try {
      id = createRun(store, { projectId, datasetId: null, task: 'classification', baseModel: 'old', config: { task: 'classification', hp: SETTINGS } }).id;
    } finally {
      store.close();
    }
    expect((await call<RunDetail>('runs.get', { runId: id })).plan).toBeUndefined();
  });
});
