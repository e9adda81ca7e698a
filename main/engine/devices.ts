// The device probe: which execution providers this machine can use, each with a one-line
// reason when it cannot. Never a silent fallback: the CLI and the UI show this list, and
// every run records the device it trained on.
import { Graph } from './ir.ts';
import { serialize } from './onnx.ts';
import * as o from './ops.ts';
import { DEVICES, isEnabled, probeDevice, providerPlatforms, providersInBuild, type Device } from './runtime.ts';

export interface DeviceStatus {
  device: Device;
  /** Usable for training runs in this version. */
  training: boolean;
  /** The provider opened a session and ran a small graph on this machine. */
  works: boolean;
  /** One sentence: why it is or is not usable, and what to do. */
  reason: string;
}

const LABEL: Record<Device, string> = { cpu: 'CPU', webgpu: 'WebGPU', cuda: 'CUDA (NVIDIA)', dml: 'DirectML', coreml: 'Core ML' };
const BUILD_NAME: Record<Device, string> = { cpu: 'cpu', webgpu: 'webgpu', cuda: 'cuda', dml: 'dml', coreml: 'coreml' };

/** A small graph with the ops a BERT step leans on (MatMul, Softmax, Erf), x: [2, 8]. */
function probeModel(): { model: Uint8Array; feeds: Parameters<typeof probeDevice>[2] } {
  const g = new Graph('device-probe');
  const x = g.input('x', 'float32', [2, 8]);
  const y = o.softmax(o.erf(o.matmul(x, o.transpose(x, [1, 0]))), -1);
  g.output(y, 'y');
  return { model: serialize(g), feeds: { x: { dtype: 'float32', shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => i / 16) } } };
}

function notInstalledReason(device: Device): string {
  if (device === 'cuda')
    return "CUDA is not installed for BERT Studio: its provider is an optional download needing an NVIDIA driver, CUDA 12 and cuDNN 9; on such a machine reinstall onnxruntime-node without ONNXRUNTIME_NODE_INSTALL=skip (npm rebuild onnxruntime-node).";
  return `${LABEL[device]} is not part of this ONNX Runtime build.`;
}

/** ORT's start-up errors are source locations and assertions; keep the part a user can act on. */
export function startFailure(device: Device, error: string): string {
  if (/WebGPU adapter/i.test(error)) return 'WebGPU found no GPU adapter (no GPU, or no Vulkan / Direct3D 12 / Metal driver): install or update the GPU driver; until then training uses the CPU.';
  const tail = error.split(/ was false\. | : /).pop()?.trim() ?? error;
  return `${LABEL[device]} did not start (${tail.replace(/\.$/, '')}); training uses the CPU.`;
}

export async function probeDevices(platform: NodeJS.Platform = process.platform): Promise<DeviceStatus[]> {
  const build = new Map(providersInBuild().map((p) => [p.name, p.bundled]));
  const { model, feeds } = probeModel();
  const out: DeviceStatus[] = [];
  for (const device of DEVICES) {
    if (!providerPlatforms(device).includes(platform)) {
      out.push({ device, training: false, works: false, reason: `${LABEL[device]} is not available on ${platform}.` });
      continue;
    }
    if (build.get(BUILD_NAME[device]) !== true) {
      out.push({ device, training: false, works: false, reason: notInstalledReason(device) });
      continue;
    }
    const error = await probeDevice(device, model, feeds);
    if (error !== undefined) {
      out.push({ device, training: false, works: false, reason: startFailure(device, error) });
      continue;
    }
    const training = isEnabled(device);
    out.push({
      device,
      training,
      works: true,
      reason: training ? `${LABEL[device]} works and trains.` : `${LABEL[device]} runs on this machine, but training on it is not enabled yet: its results have not been checked against the PyTorch references; runs use the CPU.`,
    });
  }
  return out;
}
