// The only module that imports onnxruntime-node. Everything else sees HostTensor and Session.
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Must precede onnxruntime-node: ORT then loads from the home's CUDA runtime folder when NVIDIA CUDA is enabled.
import { cudaRuntime } from './cuda-runtime.ts';
import * as ort from 'onnxruntime-node';
import { DTYPES, type DType, type TypedArray } from '../graph/dtypes.ts';
import { Graph } from '../graph/ir.ts';
import { serialize } from '../graph/onnx.ts';

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
  /** Never profiled, even in a withProfiles scope (long-lived helper sessions, whose profile would never end). */
  unprofiled?: boolean;
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

/**
 * A tensor that stays where its session's device keeps it (a GPU buffer on WebGPU, host memory
 * on the CPU). Its data is never read in JavaScript: ORT-node 1.30's getData() on a GPU-buffer
 * tensor aborts the whole process, so the ORT tensor is private and the only way back to the
 * host is readBack(), which runs an Identity session with CPU outputs.
 */
export class DeviceTensor {
  #tensor: ort.Tensor | undefined;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Bytes, for the host↔device traffic count. */
  readonly bytes: number;
  constructor(t: ort.Tensor) {
    this.#tensor = t;
    this.dtype = t.type as DType;
    this.shape = [...t.dims];
    this.bytes = this.shape.reduce((a, b) => a * b, 1) * DTYPES[this.dtype].bytes;
  }
  /** The ORT tensor, for runtime.ts only (module-private by convention: never exported further). */
  get ortTensor(): ort.Tensor {
    if (!this.#tensor) throw new Error('This device tensor was released; its training state was replaced by a newer one.');
    return this.#tensor;
  }
  get released(): boolean {
    return this.#tensor === undefined;
  }
  /** Frees the device memory now instead of at garbage collection (GPU buffers are large). */
  release(): void {
    const t = this.#tensor;
    this.#tensor = undefined;
    if (t && t.location === 'gpu-buffer') t.dispose();
  }
}

export type Feed = HostTensor | DeviceTensor;

/**
 * A session whose named outputs stay on the device (DeviceTensor) and whose inputs may be
 * device tensors from an earlier run: training state crosses the host boundary only when read
 * back. On the CPU provider "the device" is host memory and the same code runs zero-copy.
 */
export interface ResidentSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, Feed>): Promise<{ host: Record<string, HostTensor>; device: Record<string, DeviceTensor>; uploadedBytes: number }>;
  release(): Promise<void>;
}

// ORT names its tensor types as our DType names do (float32, int64, bool, …).
function fromOrt(t: ort.Tensor): HostTensor {
  // getData()/data on a GPU-buffer tensor aborts the process in ORT-node 1.30: refuse instead.
  if (t.location !== 'cpu' && t.location !== 'cpu-pinned') throw new Error(`An output on the device (${t.location}) cannot be read directly; use readBack().`);
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
  const profilePrefix = opts.unprofiled ? undefined : (opts.profilePrefix ?? (within?.profileDir !== undefined ? path.join(within.profileDir, `session-${++profiled}`) : undefined));
  const options: ort.InferenceSession.SessionOptions = { ...ortOptions(device, opts, profilePrefix), ...(opts.optimizedModelPath ? { optimizedModelFilePath: opts.optimizedModelPath } : {}) };
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

function ortOptions(device: Device, opts: SessionOptions, profilePrefix: string | undefined): ort.InferenceSession.SessionOptions {
  const threads = opts.threads ?? Math.max(1, os.availableParallelism());
  return {
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
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
    // Spinning threads fight the GEMM threads for the few cores of a laptop (see the fixture README).
    extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' }, inter_op: { allow_spinning: opts.spinning ? '1' : '0' } } },
  };
}

/**
 * A session whose outputs named in `resident` stay on the device ('gpu-buffer' on WebGPU) and
 * are returned as DeviceTensors; the other outputs come back to the host.
 */
export async function createResidentSession(model: Uint8Array, resident: readonly string[], opts: SessionOptions = {}): Promise<ResidentSession> {
  const device = opts.device ?? 'cpu';
  checkAvailable(device);
  const within = scope.getStore();
  const profilePrefix = opts.unprofiled ? undefined : (opts.profilePrefix ?? (within?.profileDir !== undefined ? path.join(within.profileDir, `session-${++profiled}`) : undefined));
  const keep = new Set(resident);
  // Outputs not named here default to the CPU.
  const location: Record<string, ort.Tensor.DataLocation> = {};
  if (device !== 'cpu') for (const name of keep) location[name] = 'gpu-buffer';
  const session = await ort.InferenceSession.create(model, { ...ortOptions(device, opts, profilePrefix), ...(keep.size > 0 && device !== 'cpu' ? { preferredOutputLocation: location } : {}) });
  return {
    inputNames: session.inputNames,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      let uploadedBytes = 0;
      for (const [k, v] of Object.entries(feeds)) {
        if (v instanceof DeviceTensor) ortFeeds[k] = v.ortTensor;
        else {
          ortFeeds[k] = toOrt(v);
          uploadedBytes += v.data.byteLength;
        }
      }
      const res = await session.run(ortFeeds);
      const host: Record<string, HostTensor> = {};
      const dev: Record<string, DeviceTensor> = {};
      for (const [k, v] of Object.entries(res)) {
        // A GPU-buffer tensor's data is never touched here (see DeviceTensor).
        if (keep.has(k) || v.location === 'gpu-buffer') dev[k] = new DeviceTensor(v);
        else host[k] = fromOrt(v);
      }
      return { host, device: dev, uploadedBytes };
    },
    async release() {
      if (profilePrefix) session.endProfiling();
      await session.release();
    },
  };
}

/** Identity graph over one float32 or int32 tensor of any shape, hand-built (runtime.ts knows no IR). */
function identityModel(dtype: DType): Uint8Array {
  const g = new Graph('identity');
  g.output(g.node('Identity', [g.input('x', dtype, ['n'])], [{ dtype, shape: ['n'] }])[0], 'y');
  return serialize(g);
}

const identities = new Map<string, Promise<ResidentSession>>();

function identity(device: Device, dtype: DType, toDevice: boolean): Promise<ResidentSession> {
  const key = `${device}:${dtype}:${toDevice}`;
  let s = identities.get(key);
  if (!s) {
    s = createResidentSession(identityModel(dtype), toDevice ? ['y'] : [], { device, threads: 1, unprofiled: true });
    identities.set(key, s);
  }
  return s;
}

/**
 * A flat device tensor's values on the host: through an Identity session whose output is on
 * the CPU (the one safe way back, see DeviceTensor). Checkpoints, export and parameters() use it.
 */
export async function readBack(t: DeviceTensor, device: Device): Promise<HostTensor> {
  if (t.shape.length !== 1) throw new Error('readBack takes flat (1-D) device tensors.');
  const s = await identity(device, t.dtype, false);
  return (await s.run({ x: t })).host.y;
}

/** A flat host tensor copied to the device once, to be fed to many runs without re-uploading. */
export async function upload(t: HostTensor, device: Device): Promise<DeviceTensor> {
  if (t.shape.length !== 1) throw new Error('upload takes flat (1-D) tensors.');
  const s = await identity(device, t.dtype, true);
  return (await s.run({ x: t })).device.y;
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
