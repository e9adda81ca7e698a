import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type Estimate, type RunDetail, type RunSummary, type TrainSettings } from '../../main/api/contract.ts';
import { dispatch } from '../../main/api/dispatch.ts';
import { BoundaryError } from '../../main/api/schema.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { probeDevicesOnce } from '../../main/engine/devices.ts';
import { getRun, openStore } from '../../main/store/index.ts';

const webgpuVerified = (await probeDevicesOnce()).find((d) => d.device === 'webgpu')?.verified === true;

// The memory options of TrainSettings at the boundary (schema rules) and in the services (rules
// that need the model and this computer), with the real services over a real SQLite store.

const SETTINGS: TrainSettings = { epochs: 1, batchSize: 16, lr: 5e-5, maxLength: 64, warmupRatio: 0.1, weightDecay: 0.01, patience: 1, minDelta: 0, maxGradNorm: 1, seed: 42, stride: 128 };
const SCRATCH = { kind: 'scratch', size: 'tiny' } as const;

const parseStart = (settings: unknown) => COMMANDS['runs.start'].params.parse({ datasetId: 1, base: SCRATCH, settings }, 'request');
const boundaryMessage = (settings: unknown): string => {
  try {
    parseStart(settings);
  } catch (err) {
    expect(err).toBeInstanceOf(BoundaryError);
    return (err as Error).message;
  }
  throw new Error('expected a BoundaryError');
};

describe('memory options at the boundary', () => {
  it('accepts the full Hyperparameters, memory options included', () => {
    const full = { ...SETTINGS, maxMemoryMiB: 4096, microBatch: 4, freezeEmbeddings: true, freezeLayers: 1 };
    expect(parseStart(full)).toEqual({ datasetId: 1, base: SCRATCH, settings: full });
    expect(parseStart(SETTINGS)).toEqual({ datasetId: 1, base: SCRATCH, settings: SETTINGS });
  });

  it('refuses a memory limit the runtime cannot fit in, saying what to do', () => {
    expect(boundaryMessage({ ...SETTINGS, maxMemoryMiB: 100 })).toBe(
      "The memory limit must be at least 256 MiB: the training runtime alone needs about 200 MiB. Raise it, or leave it empty for the default (half of this computer's memory).",
    );
    expect(parseStart({ ...SETTINGS, maxMemoryMiB: 256 }).settings.maxMemoryMiB).toBe(256);
    expect(boundaryMessage({ ...SETTINGS, maxMemoryMiB: 1024.5 })).toBe('The memory limit (MiB) must be a whole number.');
    expect(boundaryMessage({ ...SETTINGS, maxMemoryMiB: 5 * 2 ** 20 })).toBe('The memory limit (MiB) must be at most 4194304.');
  });

  it('refuses a micro-batch larger than the batch, and one below 1', () => {
    expect(boundaryMessage({ ...SETTINGS, microBatch: 17 })).toBe(
      'The examples per pass (17) must be at most the batch size (16): each batch is split into passes of that many examples. Lower it, or leave it empty to let the memory limit choose.',
    );
    expect(parseStart({ ...SETTINGS, microBatch: 16 }).settings.microBatch).toBe(16);
    expect(boundaryMessage({ ...SETTINGS, microBatch: 0 })).toBe('The examples per pass (micro-batch) must be at least 1.');
  });

  it('checks the freeze options’ types', () => {
    expect(boundaryMessage({ ...SETTINGS, freezeEmbeddings: 'yes' })).toBe('The freeze word embeddings option must be true or false.');
    expect(boundaryMessage({ ...SETTINGS, freezeLayers: -1 })).toBe('The number of frozen layers must be at least 0.');
    expect(boundaryMessage({ ...SETTINGS, freezeLayers: 1.5 })).toBe('The number of frozen layers must be a whole number.');
  });
});

describe('memory options in the services', () => {
  let home: string;
  let api: Api;
  let datasetId: number;
  let projectId: number;
  let pretrained: { kind: 'pretrained'; modelId: string };
  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await dispatch(api.handlers, 1, method, params, { caller: 'test' });
    if ('error' in r) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result as T;
  };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-memory-settings-'));
    api = await createApi({ home, mode: 'browser' });
    const opened = await call<{ project: { id: number }; dataset: { id: number } }>('samples.open', { sampleId: 'banking77' });
    datasetId = opened.dataset.id;
    projectId = opened.project.id;
    const model = await call<{ id: string }>('models.addFolder', { path: path.resolve('../shared/fixtures/parity/bert-tiny-seqcls') });
    pretrained = { kind: 'pretrained', modelId: model.id };
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('allows freezing at most all layers but the top one of the chosen model', async () => {
    // The fixture has 2 layers: 1 may be frozen, 2 may not.
    const e = await call<Estimate>('runs.estimate', { datasetId, base: pretrained, settings: { ...SETTINGS, freezeLayers: 1 } });
    expect(e.model).toEqual({ layers: 2, hidden: 128, pretrained: true });
    expect(e.custom?.settings.freezeLayers).toBe(1);
    await expect(call('runs.estimate', { datasetId, base: pretrained, settings: { ...SETTINGS, freezeLayers: 2 } })).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'This model has 2 layers: freeze at most 1, so that at least the top layer keeps learning your task.',
    });
  });

  it('refuses freezing on a model from scratch', async () => {
    for (const option of [{ freezeLayers: 1 }, { freezeEmbeddings: true }]) {
      await expect(call('runs.estimate', { datasetId, base: SCRATCH, settings: { ...SETTINGS, ...option } })).rejects.toMatchObject({
        code: 'invalid_request',
        message: 'A model trained from scratch has to learn every part: frozen layers or word embeddings would stay random. Freeze them only on a pretrained base model.',
      });
    }
  });

  it('refuses a memory limit above this computer’s memory', async () => {
    const e = await call<Estimate>('runs.estimate', { datasetId, base: SCRATCH });
    expect(e.totalMemoryMiB).toBe(Math.floor(os.totalmem() / 2 ** 20));
    expect(e.defaultMemoryMiB).toBe(Math.round(Math.floor(os.totalmem() / 2) / 2 ** 20));
    await expect(call('runs.estimate', { datasetId, base: SCRATCH, settings: { ...SETTINGS, maxMemoryMiB: e.totalMemoryMiB + 1 } })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^This computer has [\d.]+ GiB of memory: set the memory limit to at most that/),
    });
  });

  it('refuses to start a run whose options do not fit the model, before any run exists', async () => {
    await expect(call('runs.start', { datasetId, base: pretrained, settings: { ...SETTINGS, freezeLayers: 5 } })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await call<RunSummary[]>('runs.list', { projectId })).toEqual([]);
  });

  // Where WebGPU can train, test/train/device.test.ts covers the refusal (with no Vulkan driver).
  it.skipIf(webgpuVerified)('refuses a GPU asked for by name that the device probe did not verify, before any run exists', async () => {
    await expect(call('runs.start', { datasetId, base: SCRATCH, settings: { ...SETTINGS, device: 'webgpu' } })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^WebGPU cannot train on this machine: .*\. Choose Automatic or CPU instead\.$/),
    });
    expect(await call<RunSummary[]>('runs.list', { projectId })).toEqual([]);
  });

  it('passes the memory options to the trainer: the stored run has them', async () => {
    const settings = { ...SETTINGS, maxMemoryMiB: 3072, microBatch: 8, freezeEmbeddings: true, freezeLayers: 1 };
    const started = await call<RunSummary>('runs.start', { datasetId, base: pretrained, settings });
    const detail = await call<RunDetail>('runs.get', { runId: started.id });
    expect(detail.settings).toEqual(settings);
    // The trainer's own record (config.hp) is what a resumed run reads back.
    const store = openStore(home);
    try {
      expect((getRun(store, started.id)?.config as { hp: TrainSettings }).hp).toEqual(settings);
    } finally {
      store.close();
    }
    await call('runs.cancel', { runId: started.id }).catch(() => undefined);
  }, 120_000);
});
