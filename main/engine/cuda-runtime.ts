// Where ONNX Runtime's CUDA provider comes from when the user enabled it ("Enable NVIDIA CUDA",
// `bert-studio devices --install cuda`): a folder in the app's home, never node_modules.
//
// Why a whole runtime folder: ORT opens libonnxruntime_providers_{shared,cuda}.so by absolute
// path from the folder of the libonnxruntime.so.1 it runs from (provider_bridge_ort.cc:
// GetRuntimePath() + file name), so LD_LIBRARY_PATH cannot redirect it, the Node binding has no
// session option for it, and onnxruntime-node's own folder is read-only in a packaged app (the
// AppImage is a read-only mount, the deb lives in /opt). So the installer puts a copy of the
// package's libonnxruntime.so.1 next to the provider libraries, and before onnxruntime-node is
// first loaded this module opens that copy with RTLD_NODELETE: the binding's dependency on
// `libonnxruntime.so.1` is then satisfied by the already-loaded library (matched by soname), ORT's
// runtime path is the home's folder, and the CUDA provider is found there.
//
// No import of onnxruntime-node here: this must run before it (runtime.ts imports this first).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The NuGet package and files onnxruntime-node's own installer uses (its script/install-metadata.js, linux/x64:cuda12). */
export const CUDA_PACKAGE = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';
export const CUDA_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so'] as const;
export const PATH_IN_PACKAGE = 'runtimes/linux-x64/native/';
/** The core library the binding links against (DT_NEEDED), copied next to the providers. */
export const ORT_LIBRARY = 'libonnxruntime.so.1';
export const MANIFEST = 'install.json';
/** Set by useCudaRuntime() so child processes (the device probe) load the same runtime. */
export const CUDA_DIR_ENV = 'BERT_STUDIO_CUDA_DIR';
// glibc's RTLD_NODELETE: Node's dlopen fails on a library that is not an addon and closes it;
// with this flag the library stays loaded. Node's os.constants.dlopen does not list it.
const RTLD_LAZY = 1;
const RTLD_NODELETE = 0x1000;

export interface CudaManifest {
  readonly ortVersion: string;
  readonly package: { readonly id: string; readonly version: string; readonly url: string; readonly size: number; readonly sha256: string; readonly sha512?: string };
  readonly files: Record<string, { readonly size: number; readonly sha256: string }>;
  readonly installedAt: string;
}

export interface CudaRuntimeState {
  /** A verified install for this onnxruntime-node version is in the home. */
  readonly installed: boolean;
  /** This process runs ONNX Runtime from that folder, so sessions may ask for the CUDA provider. */
  readonly loaded: boolean;
  readonly dir?: string;
  /** One sentence for the device list when CUDA is not loaded. */
  readonly reason: string;
}

export const cudaSupported = (platform: NodeJS.Platform = process.platform, arch: string = process.arch): boolean => platform === 'linux' && arch === 'x64';

const requireHere = createRequire(import.meta.url);

/** onnxruntime-node's package folder and version, read without loading it. */
export function ortPackage(): { dir: string; version: string } {
  const pkg = requireHere.resolve('onnxruntime-node/package.json');
  // In the packaged app the native files are unpacked beside the asar archive (electron-builder.yml).
  const dir = path.dirname(pkg).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
  return { dir, version };
}

/** The folder onnxruntime-node loads its binding and libonnxruntime.so.1 from. */
export function ortBindingDir(): string {
  return path.join(ortPackage().dir, 'bin', 'napi-v6', process.platform, process.arch);
}

/** `<home>/runtimes/onnxruntime-cuda-<version>`: one folder per ORT version, since the providers' ABI is tied to it. */
export function cudaRuntimeDir(home: string, version = ortPackage().version): string {
  return path.join(home, 'runtimes', `onnxruntime-cuda-${version}`);
}

/**
 * The manifest of a complete install in `dir`, or a sentence saying what is wrong. Checks sizes
 * and the ORT version (cheap, at every start); the sha256s were checked when it was installed.
 */
export function checkCudaInstall(dir: string, version = ortPackage().version): CudaManifest | string {
  let manifest: CudaManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as CudaManifest;
  } catch {
    return 'NVIDIA CUDA is not enabled for BERT Studio';
  }
  if (manifest.ortVersion !== version) return `The CUDA libraries in ${dir} are for ONNX Runtime ${manifest.ortVersion}, not ${version}; enable NVIDIA CUDA again`;
  for (const name of [ORT_LIBRARY, ...CUDA_FILES]) {
    const want = manifest.files[name]?.size;
    let have: number | undefined;
    try {
      have = fs.statSync(path.join(dir, name)).size;
    } catch {
      have = undefined;
    }
    if (want === undefined || have !== want) return `The CUDA install in ${dir} is incomplete (${name} is ${have === undefined ? 'missing' : 'damaged'}); enable NVIDIA CUDA again`;
  }
  return manifest;
}

/** Folders of libonnxruntime.so.1 already mapped into this process (Linux: /proc/self/maps). */
function loadedOrtDirs(): string[] {
  try {
    const lines = fs.readFileSync('/proc/self/maps', 'utf8').split('\n');
    return [...new Set(lines.filter((l) => l.endsWith(`/${ORT_LIBRARY}`)).map((l) => path.dirname(l.slice(l.indexOf('/')))))];
  } catch {
    return [];
  }
}

let state: CudaRuntimeState = { installed: false, loaded: false, reason: 'NVIDIA CUDA is not enabled for BERT Studio' };

/** What this process knows about the CUDA runtime (runtime.ts enables the provider when `loaded`). */
export function cudaRuntime(): CudaRuntimeState {
  return state;
}

const HOW_TO_ENABLE = "enable it in Settings → Device (Enable NVIDIA CUDA) or run 'bert-studio devices --install cuda'; it needs an NVIDIA driver, CUDA 12 and cuDNN 9";

/** For the device list: why the CUDA provider is not available in this process, and what to do. */
export function cudaUnavailableReason(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (!cudaSupported(platform, arch)) return `ONNX Runtime publishes its CUDA provider for onnxruntime-node on Linux x64 only; on ${platform} ${arch} the GPU path is WebGPU.`;
  // Something was found in the home (damaged, for another version, or installed after ORT loaded): say that.
  if (state.dir) return `${state.reason}.`;
  return `NVIDIA CUDA is not enabled for BERT Studio: ${HOW_TO_ENABLE}.`;
}

/**
 * ORT tells JavaScript only "Failed to load shared library" when the CUDA provider does not load;
 * the missing dependency (libcudnn.so.9, libcublasLt.so.12, …) is named in its log.
 */
export function cudaLoadFailure(error: string): string | undefined {
  if (!/Failed to load shared library/i.test(error)) return undefined;
  return "CUDA (NVIDIA) did not start: its provider library did not load. It needs the NVIDIA driver, CUDA 12 and cuDNN 9 libraries where the system finds them (ldconfig or LD_LIBRARY_PATH); ONNX Runtime's log (logs/native.log in the data folder) names the one missing. Training uses the CPU.";
}

/** Loads libonnxruntime.so.1 from `dir` unless ORT is already loaded; records the outcome. */
function preload(dir: string): void {
  if (state.loaded && state.dir === dir) return;
  const checked = checkCudaInstall(dir);
  if (typeof checked === 'string') {
    state = { installed: false, loaded: false, dir, reason: checked };
    return;
  }
  const file = path.join(dir, ORT_LIBRARY);
  const before = loadedOrtDirs();
  if (before.length > 0 && !before.includes(dir)) {
    state = { installed: true, loaded: false, dir, reason: 'NVIDIA CUDA is installed; restart BERT Studio to use it' };
    return;
  }
  try {
    process.dlopen({ exports: {} }, file, RTLD_LAZY | RTLD_NODELETE);
  } catch {
    // Expected: "did not self-register" (it is not a Node addon); whether it stayed loaded is checked next.
  }
  const loaded = loadedOrtDirs().includes(dir);
  state = loaded
    ? { installed: true, loaded: true, dir, reason: `CUDA's provider libraries are loaded from ${dir}` }
    : { installed: true, loaded: false, dir, reason: `ONNX Runtime could not be loaded from ${dir}; enable NVIDIA CUDA again` };
}

/**
 * Called by the entry points (CLI, Electron) with the home before anything loads
 * onnxruntime-node: uses the home's CUDA runtime when one is installed, and passes it to child
 * processes through the environment. Returns what happened.
 */
export function useCudaRuntime(home: string, env: NodeJS.ProcessEnv = process.env): CudaRuntimeState {
  if (!cudaSupported()) return state;
  const dir = env[CUDA_DIR_ENV] || cudaRuntimeDir(home);
  if (!fs.existsSync(path.join(dir, MANIFEST))) return state;
  preload(dir);
  if (state.loaded) env[CUDA_DIR_ENV] = dir;
  return state;
}

/** onnxruntime-node's own installer (npm install without ONNXRUNTIME_NODE_INSTALL=skip) puts the providers beside its binding. */
function providersBeside(dir: string): boolean {
  return CUDA_FILES.slice(0, 2).every((f) => fs.existsSync(path.join(dir, f)));
}

if (cudaSupported()) {
  // A child process (the device probe) inherits the folder its parent loaded.
  if (process.env[CUDA_DIR_ENV]) preload(process.env[CUDA_DIR_ENV]);
  else {
    const own = ortBindingDir();
    if (providersBeside(own)) state = { installed: true, loaded: true, dir: own, reason: `CUDA's provider libraries are in onnxruntime-node's own folder (${own})` };
  }
}
