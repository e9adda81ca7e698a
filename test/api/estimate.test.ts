import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceReport, Estimate, TrainSettings } from '../../main/api/contract.ts';
import { dispatch } from '../../main/api/dispatch.ts';
import { deviceReport } from '../../main/api/services/devices.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { formatMiB } from '../../main/api/wording.ts';
import type { DeviceStatus } from '../../main/engine/devices.ts';
import { SCRATCH_SIZES } from '../../main/train/scratch.ts';

// runs.estimate and system.devices through the real services: the trainer's memory plan for the
// real model shapes, and the device announcement.
let home: string;
let api: Api;
let datasetId: number;
let pretrained: { kind: 'pretrained'; modelId: string };
const call = async <T>(method: string, params: unknown): Promise<T> => {
  const r = await dispatch(api.handlers, 1, method, params, { caller: 'test' });
  if ('error' in r) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
};
const estimate = (base: unknown, settings?: TrainSettings) => call<Estimate>('runs.estimate', { datasetId, base, ...(settings ? { settings } : {}) });

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-estimate-'));
  api = await createApi({ home, mode: 'browser' });
  datasetId = (await call<{ dataset: { id: number } }>('samples.open', { sampleId: 'banking77' })).dataset.id;
  const model = await call<{ id: string }>('models.addFolder', { path: path.resolve('../shared/fixtures/parity/bert-tiny-seqcls') });
  pretrained = { kind: 'pretrained', modelId: model.id };
}, 120_000);
afterAll(async () => {
  await api?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the memory plan of runs.estimate', () => {
  it('uses the real shapes: scratch sizes from main/train/scratch.ts, a pretrained model’s config', async () => {
    for (const size of ['tiny', 'mini', 'small'] as const) {
      const e = await estimate({ kind: 'scratch', size });
      expect(e.model).toEqual({ layers: SCRATCH_SIZES[size].layers, hidden: SCRATCH_SIZES[size].hidden, pretrained: false });
    }
    expect((await estimate(pretrained)).model).toEqual({ layers: 2, hidden: 128, pretrained: true });
    const tiny = await estimate({ kind: 'scratch', size: 'tiny' });
    const small = await estimate({ kind: 'scratch', size: 'small' });
    expect(small.presets[0].memory.peakMiB).toBeGreaterThan(tiny.presets[0].memory.peakMiB);
  });

  it('runs the batch in one pass under the default limit, and says so', async () => {
    const e = await estimate(pretrained);
    expect(e.presets.map((p) => p.preset)).toEqual(['quick', 'balanced', 'thorough']);
    for (const p of e.presets) {
      expect(p.memory).toMatchObject({ batchSize: p.settings.batchSize, microBatch: p.settings.batchSize, accumulation: 1, fits: true, budgetMiB: e.defaultMemoryMiB });
      expect(p.memory.sentence).toBe(`The batch of ${p.settings.batchSize} runs in one pass: about ${formatMiB(p.memory.peakMiB)} at peak, under the ${formatMiB(e.defaultMemoryMiB)} memory limit.`);
    }
  });

  it('splits the batch with gradient accumulation to stay under a lower limit', async () => {
    // The test dataset's texts are short: at a small batch, splitting costs more than it saves
    // (gradient accumulators outweigh the activations), so the case uses a batch where activations dominate.
    const whole = (await estimate(pretrained, { ...(await estimate(pretrained)).presets[0].settings, batchSize: 512 })).custom!;
    const limit = whole.memory.peakMiB - 10;
    const e = await estimate(pretrained, { ...whole.settings, maxMemoryMiB: limit });
    const plan = e.custom!.memory;
    expect(plan.budgetMiB).toBe(limit);
    expect(plan.fits).toBe(true);
    expect(plan.accumulation).toBeGreaterThan(1);
    expect(plan.microBatch).toBeLessThan(whole.settings.batchSize);
    expect(plan.microBatch * plan.accumulation).toBeGreaterThanOrEqual(whole.settings.batchSize);
    expect(plan.peakMiB).toBeLessThanOrEqual(limit);
    expect(plan.sentence).toMatch(new RegExp(`^Batch ${whole.settings.batchSize} runs as ${plan.accumulation} passes of (up to )?${plan.microBatch} with gradient accumulation to stay under ${limit} MiB \\(about \\d+ MiB at peak\\); the model learns as from batches of ${whole.settings.batchSize}\\.$`));
    // The memory limit carries over to every preset: switching presets keeps the user's limit.
    for (const p of e.presets) expect(p.memory.budgetMiB).toBe(limit);
  });

  it('says so when even one example per pass is over the limit', async () => {
    const e = await estimate({ kind: 'scratch', size: 'small' });
    const plan = (await estimate({ kind: 'scratch', size: 'small' }, { ...e.presets[0].settings, maxMemoryMiB: 256 })).custom!.memory;
    expect(plan.fits).toBe(false);
    expect(plan.peakMiB).toBeGreaterThan(256);
    expect(plan.sentence).toMatch(/^Even one example per pass needs about [\d.]+ (MiB|GiB), over the 256 MiB memory limit: training may run out of memory\. Lower the max length/);
  });

  it('follows the user’s micro-batch and says it was set, and frozen parts lower the estimates', async () => {
    const base = (await estimate(pretrained)).presets[0];
    const micro = (await estimate(pretrained, { ...base.settings, microBatch: 4 })).custom!;
    expect(micro.memory).toMatchObject({ microBatch: 4, accumulation: Math.ceil(base.settings.batchSize / 4) });
    expect(micro.memory.sentence).toContain('with gradient accumulation as set under Advanced');
    const frozen = (await estimate(pretrained, { ...base.settings, freezeEmbeddings: true })).custom!;
    expect(frozen.memory.peakMiB).toBeLessThan(base.memory.peakMiB);
    const layers = (await estimate(pretrained, { ...base.settings, freezeLayers: 1 })).custom!;
    expect(layers.seconds).toBeLessThan(base.seconds);
    // A frozen layer keeps no activations for a backward and has no gradients or moments.
    expect(layers.memory.peakMiB).toBeLessThan(frozen.memory.peakMiB);
  });

  it('estimates longer for more epochs and longer texts', async () => {
    const s = (await estimate({ kind: 'scratch', size: 'mini' })).presets[0].settings;
    const one = (await estimate({ kind: 'scratch', size: 'mini' }, { ...s, epochs: 1 })).custom!.seconds;
    const ten = (await estimate({ kind: 'scratch', size: 'mini' }, { ...s, epochs: 10 })).custom!.seconds;
    expect(ten).toBeGreaterThan(5 * one);
  });
});

describe('the device list', () => {
  it('lists every provider with a reason and announces the device of the runs', async () => {
    const r = await call<DeviceReport>('system.devices', {});
    expect(r.devices.map((d) => d.device)).toEqual(['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    for (const d of r.devices) expect(d.reason.length).toBeGreaterThan(10);
    expect(r.training).toBe(r.devices.find((d) => d.device !== 'cpu' && d.training)?.device ?? 'cpu');
    if (r.training === 'cpu') expect(r.sentence).toMatch(new RegExp(`^(No usable GPU found — )?[Tt]raining on the CPU \\(${os.availableParallelism()} cores?\\): .+\\.$`));
    // The estimate's device line is the same announcement (probed once per process).
    expect((await estimate({ kind: 'scratch', size: 'tiny' })).device).toBe(r.sentence);
  });

  const status = (device: DeviceStatus['device'], works: boolean, training: boolean, reason: string): DeviceStatus => ({ device, works, training, reason });
  const cpu = status('cpu', true, true, 'CPU works and trains.');

  it('announces a CPU fallback with the reason of the GPU provider that explains it', () => {
    const none = deviceReport([cpu, status('webgpu', false, false, 'WebGPU found no GPU adapter.'), status('cuda', false, false, 'CUDA is not installed.'), status('dml', false, false, 'DirectML is not available on linux.')], 2, 'linux');
    expect(none).toMatchObject({ training: 'cpu', sentence: 'No usable GPU found — training on the CPU (2 cores): WebGPU found no GPU adapter.' });
    // A GPU that runs but is not enabled for training explains the fallback better than one that fails.
    const notEnabled = deviceReport([cpu, status('webgpu', false, false, 'WebGPU found no GPU adapter.'), status('cuda', true, false, 'CUDA (NVIDIA) runs on this machine, but training on it is not enabled yet.')], 1, 'linux');
    expect(notEnabled.sentence).toBe('Training on the CPU (1 core): CUDA (NVIDIA) runs on this machine, but training on it is not enabled yet.');
    // On Windows, DirectML's reason counts; on Linux it is skipped as another platform's provider.
    const windows = deviceReport([cpu, status('dml', false, false, 'DirectML did not start (no adapter); training uses the CPU.')], 4, 'win32');
    expect(windows.sentence).toBe('No usable GPU found — training on the CPU (4 cores): DirectML did not start (no adapter); training uses the CPU.');
    expect(deviceReport([cpu, status('dml', false, false, 'DirectML is not available on linux.')], 4, 'linux').sentence).toBe('Training on the CPU (4 cores): no GPU provider exists for linux.');
  });

  it('names the GPU when one trains', () => {
    const r = deviceReport([cpu, status('cuda', true, true, 'CUDA (NVIDIA) works and trains.')], 8, 'linux');
    expect(r).toMatchObject({ training: 'cuda', sentence: 'Training on the GPU: CUDA (NVIDIA).' });
    expect(r.devices.map((d) => d.label)).toEqual(['CPU', 'CUDA (NVIDIA)']);
  });
});
