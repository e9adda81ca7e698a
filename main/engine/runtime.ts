// The only module that imports onnxruntime-node. Everything else sees HostTensor and Session.
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Must precede onnxruntime-node: ORT then loads from the home's CUDA runtime folder when NVIDIA CUDA is enabled.
import { cudaRuntime } from './cuda-runtime.ts';
import * as ort from 'onnxruntime-node';
import { DTYPES, type DType, type TypedArray } from './dtypes.ts';

export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

export type Device = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/**
 * Execution providers by device: ORT's provider name, the name its profiles give it, and the
 * platforms whose onnxruntime-node binaries ship it. `enabled`: the training graph has passed
 * the PyTorch parity fixtures on it, so sessions may be opened on it; whether a machine can use
 * it is the device probe's call (devices.ts), which runs a training step there. WebGPU: all six
 * fixtures pass on Dawn/Vulkan (checked on SwiftShader, see test/engine/webgpu.test.ts).
 */
const PROVIDERS: Record<Device, { provider: string; profileName: string; platforms: readonly NodeJS.Platform[]; enabled: boolean }> = {
  cpu: { provider: 'cpu', profileName: 'CPUExecutionProvider', platforms: ['linux', 'win32', 'darwin'], enabled: true },
  webgpu: { provider: 'webgpu', profileName: 'WebGpuExecutionProvider', platforms: ['linux', 'win32', 'darwin'], enabled: true },
  // CUDA: sessions may open once its provider libraries are loaded from the home (cuda-runtime.ts); the probe's training step decides if it is usable.
  cuda: { provider: 'cuda', profileName: 'CUDAExecutionProvider', platforms: ['linux', 'win32'], enabled: cudaRuntime().loaded },
  dml: { provider: 'dml', profileName: 'DmlExecutionProvider', platforms: ['win32'], enabled: false },
  coreml: { provider: 'coreml', profileName: 'CoreMLExecutionProvider', platforms: ['darwin'], enabled: false },
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

/** Sessions opened in a profiled() scope write their ORT profile here (see readPlacement). */
interface ProfileScope {
  profileDir: string;
}

const scope = new AsyncLocalStorage<ProfileScope>();
/** ORT names a profile by prefix and start time in ms: a counter keeps two sessions' files apart. */
let profiled = 0;

/**
 * Runs `fn` with every session it opens profiled into `profileDir`, so that readPlacement can
 * say which nodes ORT ran on the CPU instead of the sessions' device. The device itself is
 * always explicit (SessionOptions.device, CreateEngineModelOptions.device): a scope that chose
 * it was how GPUs were reached before the engine model took one, and hid which device ran.
 */
export function withProfiles<T>(profileDir: string, fn: () => Promise<T>): Promise<T> {
  return scope.run({ profileDir }, fn);
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

/** Throws unless sessions may be opened on `device` in this build on this platform. */
export function checkAvailable(device: Device): void {
  if (!availableDevices().includes(device)) throw new Error(`Device ${device} is not available in this build; use cpu.`);
}

/**
 * A session over an ONNX model given as bytes, or as a file path (exported models: ORT then
 * resolves external data files next to it, which bytes cannot carry).
 */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
  const within = scope.getStore();
  const device = opts.device ?? 'cpu';
  checkAvailable(device);
  const threads = opts.threads ?? Math.max(1, os.availableParallelism());
  const profilePrefix = opts.profilePrefix ?? (within?.profileDir !== undefined ? path.join(within.profileDir, `session-${++profiled}`) : undefined);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [PROVIDERS[device].provider],
    // Errors only: ORT's warning that shape ops run on the CPU would reach users' terminals on
    // every session; where nodes run is measured and reported by the device probe instead.
    logSeverityLevel: 3,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: opts.arena ?? true,
    enableMemPattern: opts.memPattern ?? false,
    graphOptimizationLevel: opts.optimization ?? 'all',
    ...(opts.optimizedModelPath ? { optimizedModelFilePath: opts.optimizedModelPath } : {}),
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
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
      if (profilePrefix) session.endProfiling();
      await session.release();
    },
  };
}

/** The providers this onnxruntime-node binary knows, and whether their libraries ship in the package. */
export function providersInBuild(): { name: string; bundled: boolean }[] {
  // ORT reports CUDA as not bundled (its libraries are not in the npm package); loaded from the home, they are there.
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled || (b.name === 'cuda' && cudaRuntime().loaded) }));
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
    return firstLine(err);
  } finally {
    await session?.release();
  }
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/** Where ORT ran the nodes of the sessions profiled in one withProfiles scope. */
export interface Placement {
  /** Nodes run by the device's provider (host↔device copies not counted). */
  onDevice: number;
  /** Nodes ORT ran on the CPU instead: it has no kernel for them on the device (int64 math, some ops), or judged the CPU faster. */
  onCpu: number;
  /** The CPU nodes' op types with their counts, most first. */
  cpuOps: Record<string, number>;
  /** CPU op types with a floating-point output: model compute, not integer index or mask arithmetic. */
  cpuCompute: string[];
  /** Share of all output elements (one run of each node) computed on the CPU: how much work left the device. */
  cpuShare: number;
  /** Host↔device copies (Memcpy nodes) ORT inserted around the CPU nodes and graph edges. */
  copies: number;
}

interface ProfileEvent {
  cat?: string;
  args?: { op_name?: string; provider?: string; node_index?: string; output_type_shape?: Record<string, number[]>[] };
}

const FLOAT_TYPES = new Set(['float', 'float16', 'double', 'bfloat16']);

/**
 * Reads the ORT profiles in `dir` (one per session; each needs at least one run) and counts the
 * nodes per provider. Profiles are the one in-process record of node placement: ORT prints it
 * otherwise only in its verbose log on stderr.
 */
export function readPlacement(dir: string, device: Device): Placement {
  let onDevice = 0;
  let copies = 0;
  let cpuElements = 0;
  let allElements = 0;
  const cpuOps = new Map<string, number>();
  const compute = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const events = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ProfileEvent[];
    // A node appears once per run: count each node of a session once.
    const seen = new Set<string>();
    for (const e of events) {
      const a = e.args;
      if (e.cat !== 'Node' || !a?.op_name || !a.provider || a.node_index === undefined || seen.has(a.node_index)) continue;
      seen.add(a.node_index);
      if (a.op_name.startsWith('Memcpy')) {
        copies++;
        continue;
      }
      const outputs = a.output_type_shape ?? [];
      const elements = outputs.reduce((n, t) => n + Object.values(t).reduce((m, dims) => m + dims.reduce((x, d) => x * d, 1), 0), 0);
      allElements += elements;
      if (a.provider === PROVIDERS.cpu.profileName && device !== 'cpu') {
        cpuOps.set(a.op_name, (cpuOps.get(a.op_name) ?? 0) + 1);
        cpuElements += elements;
        if (outputs.some((t) => Object.keys(t).some((k) => FLOAT_TYPES.has(k)))) compute.add(a.op_name);
      } else if (a.provider === PROVIDERS[device].profileName) onDevice++;
    }
  }
  const ops = [...cpuOps].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  return {
    onDevice,
    onCpu: ops.reduce((n, [, c]) => n + c, 0),
    cpuOps: Object.fromEntries(ops),
    cpuCompute: [...compute].sort(),
    cpuShare: allElements === 0 ? 0 : cpuElements / allElements,
    copies,
  };
}

/** Whether runs may use `device` today (probed providers are enabled only once verified). */
export function isEnabled(device: Device): boolean {
  return PROVIDERS[device].enabled;
}

export const DEVICES = Object.keys(PROVIDERS) as Device[];

export function providerPlatforms(device: Device): readonly NodeJS.Platform[] {
  return PROVIDERS[device].platforms;
}
