import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCuda } from '../../main/engine/cuda-install.ts';
import { CUDA_DIR_ENV, cudaLoadFailure, cudaUnavailableReason, ortBindingDir, ortPackage } from '../../main/engine/cuda-runtime.ts';
import { fakeCudaPackage, startFakeFeed } from './cuda-feed.ts';

/**
 * The loading path without an NVIDIA GPU: the installed folder holds a real copy of
 * libonnxruntime.so.1 and fake provider libraries. A process that enabled it must run ONNX
 * Runtime from there (CPU sessions still exact), list CUDA as available, and — asked for the
 * CUDA provider — make ORT open the provider library in the home's folder, which fails only
 * because the fake is not a library. Real CUDA kernels need a GPU machine (scripts/gpu-check.sh).
 */

const ERF = [0, 0.5204998778, 0.8427007794, 0.9953222650];
let home: string;
let dir: string;

interface ChildReport {
  state: { installed: boolean; loaded: boolean; dir?: string; reason: string };
  available: string[];
  build: { name: string; bundled: boolean }[];
  cpu: number[];
  cudaError?: string;
  ortDirs: string[];
  env: string | null;
  /** ORT's log: the only place that names the library file it tried to open. */
  stderr: string;
}

function child(mode: 'home' | 'env', env: NodeJS.ProcessEnv = {}): Promise<ChildReport> {
  const script = path.join(import.meta.dirname, 'cuda-load-child.ts');
  const clean = { ...process.env };
  delete clean[CUDA_DIR_ENV];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, home, mode], { env: { ...clean, ...env }, cwd: path.resolve(import.meta.dirname, '../..') }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve({ ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<ChildReport, 'stderr'>), stderr });
    });
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert studio cuda-')); // a space, as in "~/.config/BERT Studio"
  const pkg = fakeCudaPackage();
  const feed = await startFakeFeed(pkg.zip, ortPackage().version);
  try {
    dir = (await installCuda({ home, feed: feed.url, env: { HTTP_PROXY: '', http_proxy: '' }, platform: 'linux', arch: 'x64' })).dir;
  } finally {
    await feed.close();
  }
}, 60_000);
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the CUDA runtime folder', () => {
  it('is where ONNX Runtime runs from once enabled, and where it looks for the CUDA provider', async () => {
    const r = await child('home');
    expect(r.state).toMatchObject({ installed: true, loaded: true, dir });
    expect(r.ortDirs).toEqual([path.join(dir, 'libonnxruntime.so.1')]);
    expect(r.env).toBe(dir); // handed to child processes such as the device probe
    r.cpu.forEach((v, i) => expect(v).toBeCloseTo(ERF[i], 6));
    expect(r.available).toContain('cuda');
    expect(r.build.find((b) => b.name === 'cuda')?.bundled).toBe(true);
    expect(r.cudaError).toMatch(/Failed to load shared library/);
    expect(r.stderr).toContain(`Failed to load library ${path.join(dir, 'libonnxruntime_providers_shared.so')}`);
  }, 60_000);

  it('is used by a child process that inherits it', async () => {
    const r = await child('env', { [CUDA_DIR_ENV]: dir });
    expect(r.state.loaded).toBe(true);
    expect(r.ortDirs).toEqual([path.join(dir, 'libonnxruntime.so.1')]);
  }, 60_000);

  it('is not used unless enabled: ONNX Runtime stays in node_modules and CUDA is unavailable', async () => {
    const r = await child('env');
    expect(r.state.loaded).toBe(false);
    expect(r.ortDirs).toEqual([path.join(ortBindingDir(), 'libonnxruntime.so.1')]);
    expect(r.available).not.toContain('cuda');
    expect(r.stderr).toContain(`Failed to load library ${path.join(ortBindingDir(), 'libonnxruntime_providers_shared.so')}`);
  }, 60_000);
});

describe('the device list without CUDA', () => {
  it('says how to enable it, or why it cannot be', () => {
    expect(cudaUnavailableReason('linux', 'x64')).toBe(
      "NVIDIA CUDA is not enabled for BERT Studio: enable it in Settings → Device (Enable NVIDIA CUDA) or run 'bert-studio devices --install cuda'; it needs an NVIDIA driver, CUDA 12 and cuDNN 9.",
    );
    expect(cudaUnavailableReason('win32', 'x64')).toMatch(/on Linux x64 only; on win32 x64 the GPU path is WebGPU\.$/);
  });

  it("turns ORT's bare load failure into what to install", () => {
    expect(cudaLoadFailure('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')).toMatch(/needs the NVIDIA driver, CUDA 12 and cuDNN 9 libraries .* names the one missing\. Training uses the CPU\.$/);
    expect(cudaLoadFailure('CUDA failure 100: no CUDA-capable device is detected')).toBeUndefined();
  });
});
