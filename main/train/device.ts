// Which device a run trains on, decided from the device probe (main/engine/devices.ts), never
// silently: the choice always comes with a sentence saying why, and a device asked for by name
// that cannot train here is an error, not a quiet fall back to the CPU.
//
// Software GPU adapters (SwiftShader, lavapipe): their training step matches the CPU's but runs
// slower than the CPU provider, so 'auto' never picks one; asking for 'webgpu' by name runs on
// it (that is how the GPU path is tested on machines without a GPU) with a warning.
import { probeDevicesOnce, type DeviceStatus } from '../engine/devices.ts';

/** What a run asks for: 'auto' lets the probe decide (the default when a run says nothing). */
export type DeviceRequest = 'auto' | 'cpu' | 'webgpu';
export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cpu', 'webgpu'];

/** Devices the trainer runs on. */
export type TrainDevice = 'cpu' | 'webgpu';

export interface DeviceChoice {
  device: TrainDevice;
  /** One sentence: why this device (for the CPU when a GPU was possible: why not the GPU). */
  reason: string;
  /** Set when the device works but is a poor choice (a software GPU adapter asked for by name). */
  warning?: string;
  /** A GPU whose adapter runs half-precision shaders (mixed precision's prerequisite). */
  shaderF16?: boolean;
}

/** A device asked for by name that cannot train on this machine; the sentence says why. */
export class DeviceUnavailableError extends Error {
  override name = 'DeviceUnavailableError';
}

/** The probe's reasons end with what happens by default ("training uses the CPU"): not true of a request by name. */
function withoutFallback(reason: string): string {
  return reason.replace(/[;:,]?\s*(until then )?(training|runs) (uses|use|stay on) the CPU\.?$/i, '').replace(/\.$/, '');
}

/** Seconds per training step of the run's own model shape on each device ('auto' picks the faster). */
export type StepTimings = Record<TrainDevice, number>;

const fmt = (s: number) => `${s < 0.1 ? s.toFixed(3) : s.toFixed(2)} s/step`;

/**
 * The device for `request`, from the probe's statuses. Throws DeviceUnavailableError for a
 * device that cannot train here. With `timings`, 'auto' takes a verified GPU only when its step
 * of this run's model is faster than the CPU's: a small model on a big GPU can be slower there
 * (per-step overhead), and 'auto' must never pick the slower device.
 */
export function chooseDevice(request: DeviceRequest, statuses: readonly DeviceStatus[], timings?: StepTimings): DeviceChoice {
  if (request === 'cpu') return { device: 'cpu', reason: 'chosen in this run\'s settings (device: cpu).' };
  const webgpu = statuses.find((s) => s.device === 'webgpu');
  if (request === 'auto') {
    if (webgpu?.training && timings) {
      const faster: TrainDevice = timings.webgpu < timings.cpu ? 'webgpu' : 'cpu';
      return { device: faster, reason: `WebGPU: ${fmt(timings.webgpu)}, CPU: ${fmt(timings.cpu)} for this model → ${faster === 'webgpu' ? 'WebGPU' : 'CPU'}.`, ...(faster === 'webgpu' && webgpu.shaderF16 ? { shaderF16: true } : {}) };
    }
    if (webgpu?.training) return { device: 'webgpu', reason: webgpu.reason, ...(webgpu.shaderF16 ? { shaderF16: true } : {}) };
    return { device: 'cpu', reason: webgpu ? webgpu.reason : 'No GPU provider was probed on this machine.' };
  }
  if (!webgpu?.verified) {
    const why = webgpu ? withoutFallback(webgpu.reason) : 'WebGPU was not probed on this machine';
    throw new DeviceUnavailableError(`WebGPU cannot train on this machine: ${why}. Choose Automatic or CPU instead.`);
  }
  if (webgpu.software)
    return { device: 'webgpu', reason: 'WebGPU was chosen for this run; its training step matches the CPU\'s here.', warning: `WebGPU runs here on a ${webgpu.software}: results are correct but training is slower than on the CPU; choose Automatic or CPU for speed.` };
  return { device: 'webgpu', reason: webgpu.reason, ...(webgpu.shaderF16 ? { shaderF16: true } : {}) };
}

/** The run's precision: 'auto' takes mixed precision where the chosen GPU has half-precision shaders. */
export function choosePrecision(request: 'auto' | 'fp32' | 'fp16', choice: DeviceChoice): { precision: 'fp32' | 'fp16'; reason: string } {
  if (request === 'fp32') return { precision: 'fp32', reason: 'full precision (fp32), chosen in this run\'s settings.' };
  if (request === 'fp16') return { precision: 'fp16', reason: 'mixed precision (fp16 encoder, fp32 master weights), chosen in this run\'s settings.' };
  if (choice.device !== 'cpu' && choice.shaderF16) return { precision: 'fp16', reason: 'mixed precision (fp16 encoder, fp32 master weights): this GPU runs half-precision shaders.' };
  return { precision: 'fp32', reason: choice.device === 'cpu' ? 'full precision (fp32) on the CPU.' : 'full precision (fp32): this GPU has no half-precision shaders.' };
}

/**
 * chooseDevice on this machine's probe (run once per process). With `time` (the run's model
 * shape, known once it is prepared), 'auto' times a step on both devices when a GPU can train.
 */
export async function resolveDevice(request: DeviceRequest = 'auto', time?: (device: TrainDevice) => Promise<number>): Promise<DeviceChoice> {
  if (request === 'cpu') return chooseDevice('cpu', []);
  const statuses = await probeDevicesOnce();
  const gpuTrains = statuses.some((s) => s.device === 'webgpu' && s.training);
  if (request !== 'auto' || !time || !gpuTrains) return chooseDevice(request, statuses);
  return chooseDevice(request, statuses, { webgpu: await time('webgpu'), cpu: await time('cpu') });
}
