// "Enable NVIDIA CUDA": downloads the NuGet package onnxruntime-node's own installer would fetch
// (Microsoft.ML.OnnxRuntime.Gpu.Linux at onnxruntime-node's version), verifies it, and installs
// its provider libraries with a copy of libonnxruntime.so.1 into the home's runtime folder, where
// cuda-runtime.ts loads them from (why a folder of its own: see there). The transfer is the hub
// download's (resume with Range, proxies from the environment, retries, hash checks).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { CUDA_FILES, CUDA_PACKAGE, MANIFEST, ORT_LIBRARY, PATH_IN_PACKAGE, checkCudaInstall, cudaRuntimeDir, cudaSupported, ortBindingDir, ortPackage, type CudaManifest } from './cuda-runtime.ts';
import { downloadFile, NUGET_ORG, resolveNugetPackage, type Progress } from '../models/hub/index.ts';
import { ZipReader } from '../models/pickle/zip.ts';

/** A request that cannot work as given (platform, flag values): the CLI exits 2, the API answers invalid_request. */
export class CudaInputError extends Error {
  override readonly name = 'CudaInputError';
}

export type CudaPhase = 'resolving' | 'downloading' | 'extracting' | 'done';

export interface InstallCudaOptions {
  readonly home: string;
  /**
   * A NuGet v3 service index (a company mirror works the same), or the path of the .nupkg file
   * brought from elsewhere for an offline machine; default $BERT_STUDIO_CUDA_FEED, else nuget.org.
   */
  readonly feed?: string;
  /** The package's sha256 (default $BERT_STUDIO_CUDA_SHA256), for feeds that publish no hash, or to pin one: 64 hex digits. */
  readonly sha256?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  readonly onProgress?: Progress;
  readonly onPhase?: (phase: CudaPhase) => void;
  /** Tests install for linux/x64 from any machine. */
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
}

export interface InstallCudaResult {
  readonly dir: string;
  /** A verified install was already there: nothing was downloaded. */
  readonly alreadyInstalled: boolean;
  readonly manifest: CudaManifest;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/** The verified package: where it is, what it was, and whether it is ours to delete after the install. */
interface FetchedPackage {
  readonly file: string;
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
  readonly sha512?: string;
  readonly temporary: boolean;
}

const isLocalPackage = (source: string): boolean => !/^https?:\/\//.test(source) && source.endsWith('.nupkg');

async function verifiedPackage(opts: InstallCudaOptions, source: string, pinned: string | undefined, version: string, env: NodeJS.ProcessEnv): Promise<FetchedPackage> {
  const label = `${CUDA_PACKAGE} ${version}`;
  const mismatch = (got: string, where: string) =>
    new Error(`${label} failed verification: its sha256 is ${got}, expected ${pinned}. ${where} nothing was installed; check the hash you gave (--sha256 or BERT_STUDIO_CUDA_SHA256) and where the package came from.`);
  if (isLocalPackage(source)) {
    // A package file brought from elsewhere (offline machines): only a hash the user gives can vouch for it.
    if (!pinned) throw new CudaInputError(`To install from the file ${source}, also give its sha256 (--sha256), taken from a source you trust.`);
    const file = path.resolve(source);
    const size = await stat(file).then((st) => st.size, () => undefined);
    if (size === undefined) throw new CudaInputError(`${file} does not exist; give the path of the ${CUDA_PACKAGE}.${version}.nupkg file.`);
    const sha256 = await sha256Of(file);
    if (sha256 !== pinned) throw mismatch(sha256, 'The file was left as it is and');
    return { file, url: pathToFileURL(file).href, size, sha256, temporary: false };
  }
  opts.onPhase?.('resolving');
  const pkg = await resolveNugetPackage(source, CUDA_PACKAGE, version, { env, signal: opts.signal });
  if (!pinned && !pkg.sha512) throw new CudaInputError(`The feed ${source} publishes no hash for ${label}, so the download could not be verified; pass the package's sha256 (--sha256) from a source you trust.`);
  // Downloads stay in the home (not a temp folder) so an interrupted one resumes next time.
  const downloads = path.join(opts.home, 'runtimes', 'downloads');
  await mkdir(downloads, { recursive: true });
  const file = path.join(downloads, path.basename(new URL(pkg.url).pathname));
  opts.onPhase?.('downloading');
  const got = await downloadFile({ url: pkg.url, dest: file, label, expected: { size: pkg.size, sha512: pkg.sha512 }, onProgress: opts.onProgress, signal: opts.signal, env });
  // Checked here, not by downloadFile: a pinned hash must win over anything a server's headers claim.
  if (pinned && got.sha256 !== pinned) {
    await rm(file, { force: true });
    throw mismatch(got.sha256, 'The file was deleted and');
  }
  return { file, url: pkg.url, size: got.size, sha256: got.sha256, ...(pkg.sha512 ? { sha512: pkg.sha512 } : {}), temporary: true };
}

export async function installCuda(opts: InstallCudaOptions): Promise<InstallCudaResult> {
  if (!cudaSupported(opts.platform, opts.arch)) throw new CudaInputError(`NVIDIA CUDA for BERT Studio is available on Linux x64 only (ONNX Runtime publishes its CUDA provider for onnxruntime-node there); this is ${opts.platform ?? process.platform} ${opts.arch ?? process.arch}, where the GPU path is WebGPU.`);
  // The environment gives defaults the app's button cannot ask for: a company mirror, a pinned hash.
  const env = opts.env ?? process.env;
  const rawHash = opts.sha256 ?? (env.BERT_STUDIO_CUDA_SHA256 || undefined);
  const pinned = rawHash?.trim().toLowerCase();
  if (pinned !== undefined && !/^[0-9a-f]{64}$/.test(pinned)) throw new CudaInputError(`'${rawHash}' is not a sha256: give the 64 hexadecimal digits of the package's hash.`);
  const source = opts.feed ?? (env.BERT_STUDIO_CUDA_FEED || NUGET_ORG);
  if (!/^https?:\/\//.test(source) && !isLocalPackage(source)) throw new CudaInputError(`'${source}' is neither a feed URL nor a .nupkg file: give a NuGet v3 service index such as ${NUGET_ORG}, or the path of the package file.`);
  const { version } = ortPackage();
  const dir = cudaRuntimeDir(opts.home, version);
  const existing = checkCudaInstall(dir, version);
  if (typeof existing !== 'string') {
    opts.onPhase?.('done');
    return { dir, alreadyInstalled: true, manifest: existing };
  }
  const got = await verifiedPackage(opts, source, pinned, version, env);
  const nupkg = got.file;

  opts.onPhase?.('extracting');
  // Everything goes into a staging folder that takes the real name only when complete, so a
  // failure leaves no half-installed runtime for cuda-runtime.ts to load.
  const staging = `${dir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const files: Record<string, { size: number; sha256: string }> = {};
    const zip = await ZipReader.open(nupkg);
    try {
      for (const name of CUDA_FILES) {
        const entry = zip.entries.get(PATH_IN_PACKAGE + name);
        if (!entry) throw new Error(`${CUDA_PACKAGE} ${version} lacks ${PATH_IN_PACKAGE + name}; the feed serves a different package than ONNX Runtime's. Nothing was installed.`);
        await zip.extract(entry, path.join(staging, name));
        files[name] = { size: entry.size, sha256: await sha256Of(path.join(staging, name)) };
      }
    } finally {
      await zip.close();
    }
    const lib = path.join(ortBindingDir(), ORT_LIBRARY);
    await copyFile(lib, path.join(staging, ORT_LIBRARY));
    const [copied, original] = await Promise.all([sha256Of(path.join(staging, ORT_LIBRARY)), sha256Of(lib)]);
    if (copied !== original) throw new Error(`Copying ${lib} into ${staging} produced a different file; check the disk and try again.`);
    files[ORT_LIBRARY] = { size: (await stat(lib)).size, sha256: copied };
    const manifest: CudaManifest = {
      ortVersion: version,
      package: { id: CUDA_PACKAGE, version, url: got.url, size: got.size, sha256: got.sha256, ...(got.sha512 ? { sha512: got.sha512 } : {}) },
      files,
      installedAt: new Date().toISOString(),
    };
    await writeFile(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    if (got.temporary) await rm(nupkg, { force: true });
    opts.onPhase?.('done');
    return { dir, alreadyInstalled: false, manifest };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
