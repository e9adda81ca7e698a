import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CudaInputError, installCuda, type CudaPhase, type InstallCudaOptions } from '../../main/engine/cuda-install.ts';
import { CUDA_FILES, CUDA_PACKAGE, MANIFEST, ORT_LIBRARY, PATH_IN_PACKAGE, checkCudaInstall, cudaRuntimeDir, ortBindingDir, ortPackage } from '../../main/engine/cuda-runtime.ts';
import { startForwardProxy } from '../hub/forward-proxy.ts';
import { fakeCudaPackage, startFakeFeed, type FakeFeed } from './cuda-feed.ts';

// The feed is on 127.0.0.1: the machine's proxy settings must not apply unless a test sets them.
const NO_PROXY_ENV: NodeJS.ProcessEnv = { HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', NO_PROXY: '', no_proxy: '' };
const { version } = ortPackage();
const pkg = fakeCudaPackage();
const homes: string[] = [];
let feed: FakeFeed;

function newHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-cuda-'));
  homes.push(home);
  return home;
}

async function install(home: string, extra: Partial<InstallCudaOptions> = {}) {
  const progress: number[] = [];
  const phases: CudaPhase[] = [];
  const result = await installCuda({ home, feed: feed.url, env: NO_PROXY_ENV, platform: 'linux', arch: 'x64', onProgress: (bytes) => progress.push(bytes), onPhase: (p) => phases.push(p), ...extra });
  return { result, progress, phases };
}

/** Nothing of a failed install may be left where cuda-runtime.ts would load it. */
function expectNothingInstalled(home: string): void {
  const runtimes = path.join(home, 'runtimes');
  const left = fs.existsSync(runtimes) ? fs.readdirSync(runtimes).filter((f) => f !== 'downloads') : [];
  expect(left).toEqual([]);
  expect(checkCudaInstall(cudaRuntimeDir(home))).toBe('NVIDIA CUDA is not enabled for BERT Studio');
}

beforeAll(async () => {
  feed = await startFakeFeed(pkg.zip, version);
});
afterEach(() => {
  feed.cutAfter = undefined;
});
afterAll(async () => {
  await feed.close();
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

describe('installCuda', () => {
  it('fetches the package and paths onnxruntime-node\'s own installer uses', () => {
    const metadata = createRequire(import.meta.url)(path.join(ortPackage().dir, 'script/install-metadata.js')) as {
      manifests: Record<string, Record<string, { package: string; path: string }>>;
      packages: Record<string, { name: string; versions: { version: string }[] }>;
    };
    const manifest = metadata.manifests['linux/x64:cuda12'];
    expect(Object.keys(manifest).map((f) => f.replace('./', '')).sort()).toEqual([...CUDA_FILES].sort());
    for (const [file, { package: p, path: inPackage }] of Object.entries(manifest)) {
      expect(inPackage).toBe(PATH_IN_PACKAGE + file.replace('./', ''));
      expect(metadata.packages[p].name).toBe(CUDA_PACKAGE);
      expect(metadata.packages[p].versions.map((v) => v.version)).toContain(version);
    }
  });

  it('downloads with progress, verifies the SHA-512 the feed publishes, installs the libraries beside a copy of libonnxruntime.so.1; a second install is a no-op', async () => {
    const home = newHome();
    const { result, progress, phases } = await install(home);
    expect(result.alreadyInstalled).toBe(false);
    expect(phases).toEqual(['resolving', 'downloading', 'extracting', 'done']);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((b, i) => i === 0 || b >= progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBe(pkg.zip.length);
    const dir = cudaRuntimeDir(home);
    expect(result.dir).toBe(dir);
    for (const f of CUDA_FILES) expect(fs.readFileSync(path.join(dir, f)).equals(pkg.files[f])).toBe(true);
    expect(fs.statSync(path.join(dir, ORT_LIBRARY)).size).toBe(fs.statSync(path.join(ortBindingDir(), ORT_LIBRARY)).size);
    expect(result.manifest.package).toMatchObject({ id: CUDA_PACKAGE, version, size: pkg.zip.length, sha256: feed.sha256 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'))).toEqual(result.manifest);
    expect(fs.readdirSync(path.join(home, 'runtimes', 'downloads'))).toEqual([]); // the package is not kept
    expect(checkCudaInstall(dir)).toEqual(result.manifest);

    const requests = feed.log.length;
    const again = await install(home);
    expect(again.result.alreadyInstalled).toBe(true);
    expect(feed.log.length).toBe(requests);
  });

  it('resumes a transfer the network cut, with a Range request, and one a killed run left behind', async () => {
    const home = newHome();
    feed.cutAfter = 300_000;
    const start = feed.log.length;
    await install(home);
    const nupkg = feed.log.slice(start).filter((l) => l.includes('.nupkg'));
    expect(nupkg).toHaveLength(2);
    expect(nupkg[1]).toMatch(/ bytes=\d+-$/);
    expect(Number(/bytes=(\d+)-/.exec(nupkg[1])![1])).toBeGreaterThan(0);

    // A run killed mid-download leaves `<package>.nupkg.part` in the home; the next one continues it.
    const other = newHome();
    const downloads = path.join(other, 'runtimes', 'downloads');
    fs.mkdirSync(downloads, { recursive: true });
    const name = `${CUDA_PACKAGE.toLowerCase()}.${version}.nupkg`;
    fs.writeFileSync(path.join(downloads, `${name}.part`), pkg.zip.subarray(0, 500_000));
    const before = feed.log.length;
    const { result } = await install(other);
    expect(result.alreadyInstalled).toBe(false);
    expect(feed.log.slice(before).filter((l) => l.includes('.nupkg'))).toEqual([expect.stringMatching(/ bytes=500000-$/)]);
  });

  it('refuses a package whose hash does not match, with a sentence, and installs nothing', async () => {
    const home = newHome();
    const wrong = 'ab'.repeat(32);
    await expect(install(home, { sha256: wrong })).rejects.toThrow(`${CUDA_PACKAGE} ${version} failed verification: its sha256 is ${feed.sha256}, expected ${wrong}.`);
    expectNothingInstalled(home);
    expect(fs.readdirSync(path.join(home, 'runtimes', 'downloads'))).toEqual([]); // the bad download is deleted

    // A feed serving other bytes than its catalog's SHA-512 describes.
    const tampered = Buffer.from(pkg.zip);
    tampered[100] ^= 0xff;
    const bad = await startFakeFeed(pkg.zip, version, { servedPackage: tampered });
    try {
      const other = newHome();
      await expect(install(other, { feed: bad.url })).rejects.toThrow(/failed verification: its SHA-512 differs from the one the feed publishes/);
      expectNothingInstalled(other);
    } finally {
      await bad.close();
    }
  });

  it('needs a pinned sha256 from a feed that publishes no hash', async () => {
    const bare = await startFakeFeed(pkg.zip, version, { publishHash: false });
    try {
      const home = newHome();
      const err = await install(home, { feed: bare.url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CudaInputError);
      expect((err as Error).message).toContain('publishes no hash');
      expectNothingInstalled(home);
      const { result } = await install(home, { feed: bare.url, sha256: bare.sha256.toUpperCase() });
      expect(result.manifest.package.sha256).toBe(bare.sha256);
    } finally {
      await bare.close();
    }
  });

  it('goes through the proxy in HTTP_PROXY, as hub downloads do', async () => {
    const proxy = await startForwardProxy();
    try {
      await install(newHome(), { env: { ...NO_PROXY_ENV, HTTP_PROXY: proxy.url } });
      const origin = new URL(feed.url).origin;
      expect(proxy.log).toContain(`GET ${feed.url}`);
      expect(proxy.log.some((l) => l.startsWith(`GET ${origin}/flat/`) && l.endsWith('.nupkg'))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('says what to do on bad input', async () => {
    await expect(install(newHome(), { sha256: 'abc' })).rejects.toThrow(CudaInputError);
    await expect(install(newHome(), { feed: 'ftp://mirror/index.json' })).rejects.toThrow("'ftp://mirror/index.json' is neither a feed URL nor a .nupkg file");
    await expect(install(newHome(), { platform: 'darwin', arch: 'arm64' })).rejects.toThrow('available on Linux x64 only');
    await expect(install(newHome(), { feed: feed.url.replace('/v3/index.json', '/nothing.json') })).rejects.toThrow(/answered HTTP 404|not a NuGet v3 service index/);
  });

  it('installs from a package file brought from elsewhere, vouched for by its sha256', async () => {
    const home = newHome();
    const file = path.join(home, 'Microsoft.ML.OnnxRuntime.Gpu.Linux.nupkg');
    fs.writeFileSync(file, pkg.zip);
    const requests = feed.log.length;
    const unpinned = await install(home, { feed: file }).catch((e: unknown) => e);
    expect(unpinned).toBeInstanceOf(CudaInputError);
    expect((unpinned as Error).message).toContain('also give its sha256 (--sha256)');
    await expect(install(home, { feed: file, sha256: '0'.repeat(64) })).rejects.toThrow(/The file was left as it is and nothing was installed/);
    expectNothingInstalled(home);
    const { result, phases } = await install(home, { feed: file, sha256: feed.sha256 });
    expect(phases).toEqual(['extracting', 'done']);
    expect(result.manifest.package).toMatchObject({ url: `file://${file}`, sha256: feed.sha256 });
    for (const f of CUDA_FILES) expect(fs.readFileSync(path.join(result.dir, f)).equals(pkg.files[f])).toBe(true);
    expect(fs.existsSync(file)).toBe(true); // the user's file is theirs
    expect(feed.log.length).toBe(requests);
  });

  it('reports a damaged install instead of loading it', async () => {
    const home = newHome();
    const { result } = await install(home);
    fs.truncateSync(path.join(result.dir, CUDA_FILES[1]), 10);
    expect(checkCudaInstall(result.dir)).toMatch(/is incomplete \(libonnxruntime_providers_cuda\.so is damaged\); enable NVIDIA CUDA again$/);
    // Installing again replaces it.
    expect((await install(home)).result.alreadyInstalled).toBe(false);
    expect(checkCudaInstall(result.dir)).not.toBeTypeOf('string');
  });
});
