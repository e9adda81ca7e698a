// The device probe: which execution providers this machine can use, each with a one-line
// reason when it cannot. Never a silent fallback: the CLI and the UI show this list, and
// every run records the device it trained on. A provider enabled for training is probed with
// a real training step (forward, backward, AdamW, dropout on), checked against the CPU, and
// its node placement is read from ORT's profile: nodes ORT moved to the CPU are reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdamWConfig, Batch, HeadSpec, TensorData } from './api.ts';
import { cudaLoadFailure, cudaUnavailableReason } from './cuda-runtime.ts';
import { Graph } from '../graph/ir.ts';
import { openEngineModel } from './engine-model.ts';
import { serialize } from '../graph/onnx.ts';
import * as o from '../graph/ops.ts';
import { DEVICES, firstLine, isEnabled, probeDevice, providerPlatforms, providersInBuild, readPlacement, withProfiles, type Device, type Placement } from './runtime.ts';
import { parseConfig } from '../models/config.ts';
import { probeDevicesQuietly } from './quiet-probe.ts';
import { randomInitWeights } from '../models/graph/init.ts';

export interface DeviceStatus {
  device: Device;
  /** Training runs use it on this machine (usable, and the trainer takes it). */
  training: boolean;
  /**
   * Can train on this machine: its training step ran on a hardware device and matched the
   * CPU's (optional so that hand-made statuses in tests of the API's wording stay valid).
   */
  usable?: boolean;
  /** The provider opened a session and ran a graph (for training providers: a training step) here. */
  works: boolean;
  /** One sentence: why it is or is not usable, and what to do. */
  reason: string;
  /** Training providers other than the CPU: where ORT ran the probe's training step. */
  placement?: Placement;
  /** Training providers other than the CPU: relative difference of the probe's step from the CPU's. */
  error?: number;
  /** The provider runs on a software (CPU-emulated) GPU driver: it works, but slower than the CPU provider. */
  software?: string;
  /**
   * Its training step ran here and matched the CPU's (on a software adapter too): the trainer
   * may run on it when a run asks for it by name, never when choosing by itself (`training`).
   */
  verified?: boolean;
  /**
   * GPU providers: the adapter runs half-precision shaders (WebGPU's shader-f16). Mixed-precision
   * training needs it; recorded so a GPU machine's report says whether it could use it.
   */
  shaderF16?: boolean;
}

const LABEL: Record<Device, string> = { cpu: 'CPU', webgpu: 'WebGPU', cuda: 'CUDA (NVIDIA)', dml: 'DirectML', coreml: 'Core ML' };
const BUILD_NAME: Record<Device, string> = { cpu: 'cpu', webgpu: 'webgpu', cuda: 'cuda', dml: 'dml', coreml: 'coreml' };

/** The probe's step must match the CPU's as the parity fixtures match PyTorch (fp32). */
export const PROBE_TOLERANCE = 1e-4;

/**
 * Devices the trainer can run on (main/train/device.ts passes them to createEngineModel). A
 * GPU provider reaches training only when it is also enabled in runtime.ts and its probe step
 * ran on a hardware adapter and matched the CPU's.
 */
const TRAINER_DEVICES: ReadonlySet<Device> = new Set(['cpu', 'webgpu']);

/** A small graph with the ops a BERT step leans on (MatMul, Softmax, Erf), x: [2, 8]: for providers not enabled for training. */
function probeModel(): { model: Uint8Array; feeds: Parameters<typeof probeDevice>[2] } {
  const g = new Graph('device-probe');
  const x = g.input('x', 'float32', [2, 8]);
  const y = o.softmax(o.erf(o.matmul(x, o.transpose(x, [1, 0]))), -1);
  g.output(y, 'y');
  return { model: serialize(g), feeds: { x: { dtype: 'float32', shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => i / 16) } } };
}

/** x → float16 → MatMul(x, xᵀ) in float16 → float32: runs only where the adapter has half-precision shaders. */
function f16Model(): { model: Uint8Array; feeds: Parameters<typeof probeDevice>[2] } {
  const g = new Graph('f16-probe');
  const x = g.input('x', 'float32', [2, 8]);
  const h = o.cast(x, 'float16');
  g.output(o.cast(o.matmul(h, o.transpose(h, [1, 0])), 'float32'), 'y');
  return { model: serialize(g), feeds: { x: { dtype: 'float32', shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => i / 16) } } };
}

/** One-layer BERT, hidden 16: every op kind of a real training step, in milliseconds on a CPU. */
const PROBE_CONFIG = parseConfig(
  {
    model_type: 'bert',
    vocab_size: 40,
    hidden_size: 16,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 16,
    type_vocab_size: 2,
    id2label: { 0: 'no', 1: 'yes' },
  },
  'device-probe',
);
const PROBE_HEAD: HeadSpec = { kind: 'sequence-classification', numLabels: 2 };
const PROBE_ADAMW: AdamWConfig = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };
/** Two rows, the second padded: attention masking and padding rows are exercised. */
const PROBE_BATCH: Batch = {
  batch: 2,
  seq: 8,
  inputIds: BigInt64Array.from([2, 11, 25, 7, 3, 14, 9, 0, 2, 30, 3, 0, 0, 0, 0, 0], BigInt),
  attentionMask: BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], BigInt),
  tokenTypeIds: BigInt64Array.from([0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], BigInt),
  labels: BigInt64Array.from([1, 0], BigInt),
};

interface StepOutcome {
  loss: number;
  gradNorm: number;
  params: Map<string, TensorData>;
}

/** Two AdamW steps with dropout on (the first from zero moments, the second with them). */
async function probeStep(device: Device): Promise<StepOutcome> {
  const model = openEngineModel(PROBE_CONFIG, PROBE_HEAD, randomInitWeights(PROBE_CONFIG, PROBE_HEAD, 7), PROBE_ADAMW, {}, device);
  try {
    await model.step(PROBE_BATCH, { lr: 1e-3, step: 1, seed: 3, dropout: true });
    const r = await model.step(PROBE_BATCH, { lr: 1e-3, step: 2, seed: 3, dropout: true });
    await model.syncToHost();
    return { loss: r.loss, gradNorm: r.gradNorm, params: model.parameters() };
  } finally {
    await model.dispose();
  }
}

/** Largest relative difference of loss, gradient norm and all parameters (relative L2). */
function stepDifference(a: StepOutcome, ref: StepOutcome): number {
  const scalar = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-12);
  let num = 0;
  let den = 0;
  for (const [name, t] of ref.params) {
    const got = a.params.get(name)?.data;
    if (!got || got.length !== t.data.length) return Infinity;
    for (let i = 0; i < got.length; i++) {
      num += (got[i] - t.data[i]) ** 2;
      den += t.data[i] ** 2;
    }
  }
  const params = den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  const worst = Math.max(scalar(a.loss, ref.loss), scalar(a.gradNorm, ref.gradNorm), params);
  return Number.isNaN(worst) ? Infinity : worst;
}

/** The training step on `device`, profiled; throws ORT's error when the provider does not start. */
export async function probeTraining(device: Device): Promise<{ outcome: StepOutcome; placement: Placement }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-probe-'));
  try {
    const outcome = await withProfiles(dir, () => probeStep(device));
    return { outcome, placement: readPlacement(dir, device) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A WebGPU adapter on a software Vulkan driver (SwiftShader, lavapipe) works but is slower than
 * the CPU provider. ORT does not tell which adapter Dawn picked, so on Linux: the Vulkan drivers
 * the loader was pointed at, or no GPU device node at all (render node, NVIDIA, WSL's dxg).
 */
export function softwareVulkan(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = fs.existsSync, renderNodes: () => string[] = listRenderNodes): string | undefined {
  const icds = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? '').split(':').filter(Boolean);
  if (icds.length > 0 && icds.every((f) => /swiftshader|lvp|lavapipe|llvmpipe/i.test(path.basename(f)))) return `software Vulkan driver ${icds.map((f) => path.basename(f)).join(', ')}`;
  if (renderNodes().length === 0 && !exists('/dev/nvidia0') && !exists('/dev/dxg')) return 'no GPU device (/dev/dri/renderD*, /dev/nvidia0, /dev/dxg), so a software Vulkan driver';
  return undefined;
}

function listRenderNodes(): string[] {
  try {
    return fs.readdirSync('/dev/dri').filter((f) => f.startsWith('renderD'));
  } catch {
    return [];
  }
}

function notInstalledReason(device: Device): string {
  if (device === 'cuda') return cudaUnavailableReason();
  return `${LABEL[device]} is not part of this ONNX Runtime build.`;
}

/** ORT's start-up errors are source locations and assertions; keep the part a user can act on. */
export function startFailure(device: Device, error: string): string {
  if (/WebGPU adapter/i.test(error)) return 'WebGPU found no GPU adapter (no GPU, or no Vulkan / Direct3D 12 / Metal driver): install or update the GPU driver; until then training uses the CPU.';
  const cuda = device === 'cuda' ? cudaLoadFailure(error) : undefined;
  if (cuda) return cuda;
  const tail = error.split(/ was false\. | : /).pop()?.trim() ?? error;
  return `${LABEL[device]} did not start (${tail.replace(/\.$/, '')}); training uses the CPU.`;
}

/** "312 of 1285 nodes run on the CPU (16% of the output elements: Mul×74, Mod×74, …; float ops LogSoftmax), 20 host↔device copies". */
export function placementNote(p: Placement): string {
  if (p.onCpu === 0) return `all ${p.onDevice} nodes on the device, ${p.copies} host↔device copies`;
  const ops = Object.entries(p.cpuOps);
  const list = ops.slice(0, 6).map(([op, n]) => `${op}×${n}`).join(', ') + (ops.length > 6 ? ', …' : '');
  const compute = p.cpuCompute.length ? `; float ops ${p.cpuCompute.join(', ')}` : '';
  const share = p.cpuShare < 0.001 ? '<0.1%' : `${(p.cpuShare * 100).toFixed(1)}%`;
  return `${p.onCpu} of ${p.onDevice + p.onCpu} nodes run on the CPU (${share} of the output elements: ${list}${compute}), ${p.copies} host↔device copies`;
}

/** Verdict on a training provider from its probe step, compared with the CPU's. */
export function trainingVerdict(device: Device, error: number, placement: Placement, software: string | undefined, trainer: ReadonlySet<Device> = TRAINER_DEVICES): Pick<DeviceStatus, 'training' | 'usable' | 'reason'> {
  const where = placementNote(placement);
  if (!(error <= PROBE_TOLERANCE))
    return { training: false, usable: false, reason: `${LABEL[device]} ran a training step but its results differ from the CPU's (relative error ${error.toExponential(1)} > ${PROBE_TOLERANCE}; ${where}): not used for training; update the GPU driver.` };
  if (software) return { training: false, usable: false, reason: `${LABEL[device]} trains correctly here, but on a ${software}, slower than the CPU provider (${where}); training uses the CPU.` };
  if (!trainer.has(device)) return { training: false, usable: true, reason: `${LABEL[device]} can train here: its training step matches the CPU's (${where}); training runs do not use it yet and stay on the CPU.` };
  return { training: true, usable: true, reason: `${LABEL[device]} works and trains; its training step matches the CPU's (${where}).` };
}

export async function probeDevices(platform: NodeJS.Platform = process.platform): Promise<DeviceStatus[]> {
  const build = new Map(providersInBuild().map((p) => [p.name, p.bundled]));
  const out: DeviceStatus[] = [];
  let reference: StepOutcome | undefined;
  for (const device of DEVICES) {
    if (!providerPlatforms(device).includes(platform)) {
      out.push({ device, training: false, usable: false, works: false, reason: `${LABEL[device]} is not available on ${platform}.` });
      continue;
    }
    if (build.get(BUILD_NAME[device]) !== true) {
      out.push({ device, training: false, usable: false, works: false, reason: notInstalledReason(device) });
      continue;
    }
    if (!isEnabled(device)) {
      const { model, feeds } = probeModel();
      const error = await probeDevice(device, model, feeds);
      out.push(
        error !== undefined
          ? { device, training: false, usable: false, works: false, reason: startFailure(device, error) }
          : { device, training: false, usable: false, works: true, reason: `${LABEL[device]} runs on this machine, but training on it is not enabled yet: its results have not been checked against the PyTorch references; runs use the CPU.` },
      );
      continue;
    }
    let probed: Awaited<ReturnType<typeof probeTraining>>;
    try {
      probed = await probeTraining(device);
    } catch (err) {
      out.push({ device, training: false, usable: false, works: false, reason: device === 'cpu' ? `The CPU provider failed a training step (${firstLine(err)}).` : startFailure(device, firstLine(err)) });
      continue;
    }
    if (device === 'cpu') {
      reference = probed.outcome;
      out.push({ device, training: true, usable: true, works: true, verified: true, reason: 'CPU works and trains.' });
      continue;
    }
    const error = reference ? stepDifference(probed.outcome, reference) : Infinity;
    const software = device === 'webgpu' && platform === 'linux' ? softwareVulkan() : undefined;
    const verified = error <= PROBE_TOLERANCE && TRAINER_DEVICES.has(device);
    const f16 = f16Model();
    const shaderF16 = (await probeDevice(device, f16.model, f16.feeds)) === undefined;
    out.push({ device, works: true, verified, ...trainingVerdict(device, error, probed.placement, software), placement: probed.placement, error, shaderF16, ...(software ? { software } : {}) });
  }
  return out;
}

/**
 * What to report when the probe could not finish (its child process crashed or hung, as a GPU
 * driver can): the CPU, which needs no probe to train, and every other device unavailable with
 * the reason. Probing again in the app's own process could crash or hang the app itself.
 */
export function unprobedStatuses(why: string): DeviceStatus[] {
  return DEVICES.map((device) =>
    device === 'cpu'
      ? { device, training: true, usable: true, works: true, reason: 'CPU works and trains.' }
      : { device, training: false, usable: false, works: false, reason: `${LABEL[device]} was not checked: ${why}; training uses the CPU.` },
  );
}

// The probe opens a session per provider and runs a training step (about 0.4 s without a GPU
// adapter, seconds on a software one): once per process, shared by the trainer and the API.
let cached: Promise<DeviceStatus[]> | undefined;

/** probeDevices() on this platform (in a child process: native messages go to the log file), probed on the first call and kept for the process lifetime. */
export function probeDevicesOnce(): Promise<DeviceStatus[]> {
  cached ??= probeDevicesQuietly().catch((err: unknown) => {
    // A failed probe is not remembered: the next call probes again.
    cached = undefined;
    throw err;
  });
  return cached;
}
