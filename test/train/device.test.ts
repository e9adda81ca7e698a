// The run's device: 'auto' follows the device probe (never a software GPU adapter), a device
// asked for by name that cannot train is an error, and a run on WebGPU trains to the CPU's
// numbers. On a Linux machine without a GPU, WebGPU runs on Chromium's SwiftShader (as in
// test/engine/webgpu.test.ts); without a Vulkan loader the WebGPU cases are skipped with the
// probe's reason.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../main/data/index.ts';
import { readSafetensors } from '../../main/models/safetensors.ts';
import { probeDevicesOnce, softwareVulkan, type DeviceStatus } from '../../main/engine/devices.ts';
import { getRun, openStore, type Store } from '../../main/store/index.ts';
import { chooseDevice, choosePrecision, DeviceUnavailableError } from '../../main/train/device.ts';
import { cachedStepTimer, measureStep, timingCacheFor } from '../../main/train/device-timing.ts';
import { parseConfig } from '../../main/models/config.ts';
import type { TrainEvent } from '../../main/train/events.ts';
import type { Hyperparameters } from '../../main/train/presets.ts';
import { createTrainingRun, executeRun } from '../../main/train/run-service.ts';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
// Before the first WebGPU session: the Vulkan loader reads the variable when Dawn starts it.
if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && softwareVulkan() && fs.existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const root = path.resolve(import.meta.dirname, '../..');
const cliPath = path.join(root, 'bin/bert-studio.mjs');

const status = (s: Partial<DeviceStatus> & Pick<DeviceStatus, 'device'>): DeviceStatus => ({ training: false, usable: false, works: false, reason: `${s.device} reason.`, ...s });
const CPU = status({ device: 'cpu', training: true, usable: true, works: true, verified: true, reason: 'CPU works and trains.' });

describe('chooseDevice', () => {
  const hardware = status({ device: 'webgpu', training: true, usable: true, works: true, verified: true, reason: 'WebGPU works and trains; its training step matches the CPU\'s (all 900 nodes on the device).' });
  const software = status({ device: 'webgpu', works: true, verified: true, software: 'software Vulkan driver vk_swiftshader_icd.json', reason: 'WebGPU trains correctly here, but on a software Vulkan driver vk_swiftshader_icd.json, slower than the CPU provider (…); training uses the CPU.' });
  const none = status({ device: 'webgpu', reason: 'WebGPU found no GPU adapter (no GPU, or no Vulkan / Direct3D 12 / Metal driver): install or update the GPU driver; until then training uses the CPU.' });

  it("'auto' takes a verified hardware GPU, with the probe's sentence", () => {
    expect(chooseDevice('auto', [CPU, hardware])).toEqual({ device: 'webgpu', reason: hardware.reason });
  });

  it("'auto' never takes a software adapter, and says why it stays on the CPU", () => {
    expect(chooseDevice('auto', [CPU, software])).toEqual({ device: 'cpu', reason: software.reason });
    expect(chooseDevice('auto', [CPU, none])).toEqual({ device: 'cpu', reason: none.reason });
  });

  it("'webgpu' by name runs on a software adapter, with a warning", () => {
    const c = chooseDevice('webgpu', [CPU, software]);
    expect(c.device).toBe('webgpu');
    expect(c.warning).toMatch(/^WebGPU runs here on a software Vulkan driver vk_swiftshader_icd\.json: results are correct but training is slower than on the CPU/);
  });

  it("'webgpu' by name that cannot train is an error naming the reason, without the CPU fallback clause", () => {
    expect(() => chooseDevice('webgpu', [CPU, none])).toThrow(DeviceUnavailableError);
    expect(() => chooseDevice('webgpu', [CPU, none])).toThrow('WebGPU cannot train on this machine: WebGPU found no GPU adapter (no GPU, or no Vulkan / Direct3D 12 / Metal driver): install or update the GPU driver. Choose Automatic or CPU instead.');
    const mismatch = status({ device: 'webgpu', works: true, verified: false, reason: 'WebGPU ran a training step but its results differ from the CPU\'s (…): not used for training; update the GPU driver.' });
    expect(() => chooseDevice('webgpu', [CPU, mismatch])).toThrow(/^WebGPU cannot train on this machine: WebGPU ran a training step but its results differ/);
  });

  it("'auto' with both steps timed takes the faster device and says so with both times", () => {
    expect(chooseDevice('auto', [CPU, hardware], { webgpu: 0.021, cpu: 0.4 })).toEqual({ device: 'webgpu', reason: 'WebGPU: 0.021 s/step, CPU: 0.40 s/step for this model → WebGPU.' });
    // A tiny model on a big GPU: per-step overhead makes the GPU slower, and 'auto' keeps the CPU.
    expect(chooseDevice('auto', [CPU, hardware], { webgpu: 0.222, cpu: 0.099 })).toEqual({ device: 'cpu', reason: 'WebGPU: 0.22 s/step, CPU: 0.099 s/step for this model → CPU.' });
    // Timings never make a software adapter eligible.
    expect(chooseDevice('auto', [CPU, software], { webgpu: 0.001, cpu: 1 }).device).toBe('cpu');
  });

  it('times each device once per machine and model shape, and keeps the times in the app data folder', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-timing-'));
    const cache = timingCacheFor(path.join(home, 'runs', '7'))!;
    expect(cache).toBe(path.join(home, 'device-timings.json'));
    expect(timingCacheFor(path.join(home, 'elsewhere', '7'))).toBeUndefined();
    const config = parseConfig({ model_type: 'bert', vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 16 }, 't');
    const shape = { config, head: { kind: 'sequence-classification' as const, numLabels: 2 }, batch: 2, seq: 8, freezeLayers: 0 };
    const calls: string[] = [];
    const fake = async (device: 'cpu' | 'webgpu') => {
      calls.push(device);
      return device === 'cpu' ? 0.5 : 0.05;
    };
    const timer = cachedStepTimer(shape, cache, fake);
    expect([await timer('cpu'), await timer('webgpu'), await timer('cpu')]).toEqual([0.5, 0.05, 0.5]);
    expect(calls).toEqual(['cpu', 'webgpu']);
    expect(await cachedStepTimer({ ...shape, seq: 16 }, cache, fake)('cpu')).toBe(0.5);
    expect(calls).toEqual(['cpu', 'webgpu', 'cpu']);
    // The real measurement runs a step of that shape.
    expect(await measureStep('cpu', shape)).toBeGreaterThan(0);
  });

  it("precision 'auto' takes mixed precision only on a chosen GPU with half-precision shaders", () => {
    const f16 = status({ ...hardware, shaderF16: true });
    const gpu = chooseDevice('auto', [CPU, f16]);
    expect(gpu.shaderF16).toBe(true);
    expect(choosePrecision('auto', gpu)).toEqual({ precision: 'fp16', reason: 'mixed precision (fp16 encoder, fp32 master weights): this GPU runs half-precision shaders.' });
    expect(choosePrecision('auto', chooseDevice('auto', [CPU, hardware])).precision).toBe('fp32');
    // Timed and the CPU won: no mixed precision on the CPU.
    expect(choosePrecision('auto', chooseDevice('auto', [CPU, f16], { webgpu: 1, cpu: 0.5 }))).toEqual({ precision: 'fp32', reason: 'full precision (fp32) on the CPU.' });
    expect(choosePrecision('fp32', gpu).precision).toBe('fp32');
    expect(choosePrecision('fp16', chooseDevice('cpu', [])).precision).toBe('fp16');
  });

  it("'cpu' needs no probe", () => {
    expect(chooseDevice('cpu', [])).toMatchObject({ device: 'cpu' });
  });
});

const webgpu = (await probeDevicesOnce()).find((d) => d.device === 'webgpu')!;
if (!webgpu.verified) console.warn(`WebGPU training run skipped: ${webgpu.reason}`);

/** 36 training and 12 validation rows of 4 intents (every fifth row of the banking4 fixture): three steps of 16. */
function smallData(dir: string): string[] {
  const lines = fs.readFileSync(path.join(root, 'test/fixtures/train/banking4-240.csv'), 'utf8').trim().split('\n');
  const [header, ...rows] = lines;
  // Rows are grouped by label: take every fifth, so each split has all four labels.
  const picked = rows.filter((_, i) => i % 5 === 0);
  const train = path.join(dir, 'train.csv');
  const validation = path.join(dir, 'validation.csv');
  fs.writeFileSync(train, [header, ...picked.filter((_, i) => i % 4 !== 0)].join('\n'));
  fs.writeFileSync(validation, [header, ...picked.filter((_, i) => i % 4 === 0)].join('\n'));
  return [train, validation];
}

// Dropout off (p = 0 in the scratch config): the two devices draw the same masks anyway, but
// the comparison should rest on the arithmetic alone.
const HP: Hyperparameters = { epochs: 1, batchSize: 16, lr: 1e-3, maxLength: 24, warmupRatio: 0, weightDecay: 0.01, patience: 0, minDelta: 0, maxGradNorm: 1, seed: 7, stride: 0 };

function relativeL2(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (x[i] - ref[i]) ** 2;
    den += ref[i] ** 2;
  }
  return x.length !== ref.length ? Infinity : Math.sqrt(num / Math.max(den, 1e-30));
}

describe('a run on the device it asked for', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-device-'));
  let store: Store;
  let datasetId = 0;
  let projectId = 0;
  afterAll(() => {
    store?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  async function train(device: Hyperparameters['device']) {
    if (!store) {
      store = openStore(home);
      const { dataset } = await importDataset(store, smallData(home), { task: 'classification', project: 'Devices' });
      datasetId = dataset!.id;
      projectId = dataset!.projectId!;
    }
    const run = createTrainingRun(store, projectId, datasetId, { task: 'classification', base: { kind: 'scratch', size: 'tiny', dropout: 0 }, hp: { ...HP, device } });
    const prepared: Extract<TrainEvent, { type: 'prepared' }>[] = [];
    const result = await executeRun(store, home, run.id, { onEvent: (e) => void (e.type === 'prepared' && prepared.push(e)) });
    return { result, prepared: prepared[0], stored: getRun(store, run.id)! };
  }

  let cpu: Awaited<ReturnType<typeof train>>;

  it("'auto' follows the probe (here: the CPU, without a hardware GPU) and records the device and why", async () => {
    const auto = await train('auto');
    // WebGPU only on a hardware adapter whose step was verified; either way the probe's sentence is the reason.
    const expected = webgpu.training ? 'webgpu' : 'cpu';
    expect(auto.result.device).toBe(expected);
    expect(auto.stored.device).toBe(expected);
    expect(auto.prepared.deviceReason).toBe(webgpu.reason);
    expect((auto.stored.config.plan as { deviceReason: string }).deviceReason).toBe(webgpu.reason);
    cpu = expected === 'cpu' ? auto : await train('cpu');
  }, 120_000);

  it.skipIf(!webgpu.verified)("'webgpu' trains there, is recorded, and matches the CPU run's validation metrics", async () => {
    const gpu = await train('webgpu');
    expect(gpu.result.device).toBe('webgpu');
    expect(gpu.stored.device).toBe('webgpu');
    expect(gpu.prepared.device).toBe('webgpu');
    if (webgpu.software) expect(gpu.prepared.deviceWarning).toMatch(/software Vulkan driver/);
    // Tolerance 1e-4, the parity fixtures' (fp32 against PyTorch): the probe's step differs from
    // the CPU's by ~1e-8 (the same math, kernels summing in another order), and three AdamW
    // steps grow that to ~1e-7 of the loss here — far below 1e-4, while a device that ran a
    // different graph (a missing mask, another dropout draw) is off by 1e-2 or more. A label
    // would flip only if two logits were within ~1e-6, so the label metrics match too.
    const a = cpu.result.metrics.validation;
    const b = gpu.result.metrics.validation;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const [name, value] of Object.entries(a)) expect(Math.abs(b[name] - value), name).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(value)));
    // The trained weights too (relative L2 per tensor): metrics of a barely trained model say little alone.
    const wa = readSafetensors(path.join(cpu.result.modelDir, 'model.safetensors'));
    const wb = readSafetensors(path.join(gpu.result.modelDir, 'model.safetensors'));
    // Not the attention key biases: softmax ignores a shift shared by a query's scores, so their
    // true gradient is 0 and AdamW, which divides by √v, turns rounding noise into full-size
    // steps of either sign on any two machines (the parity fixtures' param_delta tolerance is
    // 1e-2 for the same reason).
    const compared = [...wa].filter(([name]) => !name.endsWith('attention.self.key.bias'));
    expect(compared.length).toBeGreaterThan(20);
    for (const [name, t] of compared) expect(relativeL2(wb.get(name)!.data, t.data), name).toBeLessThanOrEqual(1e-4);
  }, 300_000);
});

describe('bert-studio train --device', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [cliPath, '--home', fs.mkdtempSync(path.join(os.tmpdir(), 'bs-device-cli-')), 'train', ...args], { encoding: 'utf8', env });
  const data = path.join(root, 'test/fixtures/train/banking4-240.csv');
  const noVulkan = (): NodeJS.ProcessEnv => {
    const { VK_DRIVER_FILES: _drivers, ...env } = process.env;
    return { ...env, VK_ICD_FILENAMES: path.join(os.tmpdir(), 'no-such-icd.json') };
  };

  it('refuses an unknown device with exit 2 and a sentence', () => {
    const r = run(['--task', 'classification', '--train', data, '--from-scratch', 'tiny', '--device', 'bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Option --device must be one of auto, cpu, webgpu; got 'bogus'\./);
  });

  it.skipIf(process.platform !== 'linux')('refuses WebGPU where it cannot train, before any work (exit 2, the reason)', () => {
    // No Vulkan driver at all: WebGPU finds no adapter, whatever the machine has.
    const r = run(['--task', 'classification', '--train', data, '--from-scratch', 'tiny', '--device', 'webgpu'], noVulkan());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/WebGPU cannot train on this machine: WebGPU found no GPU adapter/);
    expect(r.stderr).not.toMatch(/Imported/);
  });
});
