// The only module that imports onnxruntime-node. Everything else sees HostTensor and Session.
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { DTYPES, type DType, type TypedArray } from './dtypes.ts';

export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

export type Device = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/**
 * Execution providers by device: ORT's provider name and the platforms whose onnxruntime-node
 * binaries ship it. Only CPU is enabled today; the speed issue turns the others on after
 * probing them (a GPU provider that cannot run the training graph must not be offered).
 */
const PROVIDERS: Record<Device, { provider: string; platforms: readonly NodeJS.Platform[]; enabled: boolean }> = {
  cpu: { provider: 'cpu', platforms: ['linux', 'win32', 'darwin'], enabled: true },
  webgpu: { provider: 'webgpu', platforms: ['linux', 'win32', 'darwin'], enabled: false },
  cuda: { provider: 'cuda', platforms: ['linux', 'win32'], enabled: false },
  dml: { provider: 'dml', platforms: ['win32'], enabled: false },
  coreml: { provider: 'coreml', platforms: ['darwin'], enabled: false },
};

export function availableDevices(): Device[] {
  return (Object.keys(PROVIDERS) as Device[]).filter((d) => PROVIDERS[d].enabled && PROVIDERS[d].platforms.includes(process.platform));
}

export interface SessionOptions {
  device?: Device;
  /** Intra-op threads; default: the machine's core count. */
  threads?: number;
  /** Write ORT's optimized graph here (to see which fusions fired). */
  optimizedModelPath?: string;
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Let idle ORT threads spin (default off: measured slower on 2-core machines shared with GEMM threads). */
  spinning?: boolean;
  /** ORT's CPU memory arena (default on); off returns freed activation memory to the system. */
  arena?: boolean;
  /**
   * ORT's memory pattern (one planned block for all activations, default off): measured on a
   * BERT-mini training step, off cut peak RSS from ~1,220 to ~880 MiB at the same CPU time.
   */
  memPattern?: boolean;
  /** Write an ORT profile (chrome trace JSON) with this file prefix. */
  profilePrefix?: string;
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; `fetch` limits the outputs returned (default: all). */
  run(feeds: Record<string, HostTensor>, fetch?: readonly string[]): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

// ORT names its tensor types as our DType names do (float32, int64, bool, …).
function fromOrt(t: ort.Tensor): HostTensor {
  if (!(t.type in DTYPES)) throw new Error(`unsupported output type ${t.type}`);
  return { dtype: t.type as DType, shape: [...t.dims], data: t.data as TypedArray };
}

function toOrt(t: HostTensor): ort.Tensor {
  // Zero-copy: ORT wraps the typed array's buffer.
  return new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as never, [...t.shape]);
}

/**
 * A session over an ONNX model given as bytes, or as a file path (exported models: ORT then
 * resolves external data files next to it, which bytes cannot carry).
 */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
  const device = opts.device ?? 'cpu';
  if (!availableDevices().includes(device)) throw new Error(`Device ${device} is not available in this build; use cpu.`);
  const threads = opts.threads ?? Math.max(1, os.availableParallelism());
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [PROVIDERS[device].provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: opts.arena ?? true,
    enableMemPattern: opts.memPattern ?? false,
    graphOptimizationLevel: opts.optimization ?? 'all',
    ...(opts.optimizedModelPath ? { optimizedModelFilePath: opts.optimizedModelPath } : {}),
    ...(opts.profilePrefix ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix } : {}),
    // Spinning threads fight the GEMM threads for the few cores of a laptop (see the fixture README).
    extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' }, inter_op: { allow_spinning: opts.spinning ? '1' : '0' } } },
  };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, fetch) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
      const res = fetch ? await session.run(ortFeeds, [...fetch]) : await session.run(ortFeeds);
      const out: Record<string, HostTensor> = {};
      for (const [k, v] of Object.entries(res)) out[k] = fromOrt(v);
      return out;
    },
    async release() {
      if (opts.profilePrefix) session.endProfiling();
      await session.release();
    },
  };
}

/** The providers this onnxruntime-node binary knows, and whether their libraries ship in the package. */
export function providersInBuild(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

/**
 * Opens `model` on a device's provider — enabled or not — and runs it once with `feeds`, to
 * tell whether the provider works on this machine. Returns ORT's error message when it does not.
 */
export async function probeDevice(device: Device, model: Uint8Array, feeds: Record<string, HostTensor>): Promise<string | undefined> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(model, { executionProviders: [PROVIDERS[device].provider], logSeverityLevel: 3 });
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
    await session.run(ortFeeds);
    return undefined;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).split('\n')[0];
  } finally {
    await session?.release();
  }
}

/** Whether runs may use `device` today (probed providers are enabled only once verified). */
export function isEnabled(device: Device): boolean {
  return PROVIDERS[device].enabled;
}

export const DEVICES = Object.keys(PROVIDERS) as Device[];

export function providerPlatforms(device: Device): readonly NodeJS.Platform[] {
  return PROVIDERS[device].platforms;
}
