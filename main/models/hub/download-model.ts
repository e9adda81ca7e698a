import { mkdir, readdir, readFile, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { checkRepoId, checkRevision, fetchModelInfo, hubEndpoint, resolveUrl, selectFiles, shardsOf, type HubFile } from './api.ts';
import { downloadFile, type Progress } from './download-file.ts';
import { cacheDirFor, hubModelId, registerModel, resolveCachedModel, type ModelFile, type RegisteredModel } from './manifest.ts';
import { readModelType } from './local-folder.ts';
import { normalizeInPlace, sha256File, weightsLayout } from './normalize.ts';

/**
 * Brings a hub model into the cache: asks the hub which files exist, downloads only the ones
 * fine-tuning needs (verified, resumable), and records the model in the manifest, after which
 * it loads with no network. A model already cached is returned without touching the network.
 */

export interface DownloadModelOptions {
  readonly home: string;
  readonly repo: string;
  /** Branch, tag or commit; default `main`. */
  readonly revision?: string;
  /** Hub base URL; default `HF_ENDPOINT` or https://huggingface.co. */
  readonly endpoint?: string;
  readonly onProgress?: Progress;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly retries?: number;
  readonly idleTimeoutMs?: number;
}

export async function downloadModel(opts: DownloadModelOptions): Promise<RegisteredModel> {
  const revision = opts.revision ?? 'main';
  checkRepoId(opts.repo);
  checkRevision(revision);
  const cached = await resolveCachedModel(opts.home, opts.repo, revision);
  if (cached) return cached;
  const env = opts.env ?? process.env;
  const endpoint = hubEndpoint(opts.endpoint, env);
  const info = await fetchModelInfo(opts.repo, revision, { endpoint, signal: opts.signal, env });
  const byName = new Map(info.files.map((f) => [f.name, f]));
  const dir = cacheDirFor(opts.home, opts.repo, revision);
  await mkdir(dir, { recursive: true });

  // Pin every file to the commit the API resolved, so a push to `main` mid-download cannot
  // mix files of two versions. Without one, X-Repo-Commit on each file must agree instead.
  let commit = info.commit;
  const fetchOne = async (name: string): Promise<ModelFile> => {
    const meta: HubFile | undefined = byName.get(name);
    const got = await downloadFile({
      url: resolveUrl(endpoint, opts.repo, info.commit ?? revision, name),
      dest: path.join(dir, name),
      label: `${opts.repo}/${name}`,
      expected: { size: meta?.size, sha256: meta?.sha256, gitSha1: meta?.gitSha1 },
      onProgress: opts.onProgress,
      signal: opts.signal,
      env,
      retries: opts.retries,
      idleTimeoutMs: opts.idleTimeoutMs,
    });
    if (got.commit && commit && got.commit !== commit) {
      throw new Error(`${opts.repo} changed on the hub during the download (commit ${commit.slice(0, 10)} then ${got.commit.slice(0, 10)}); run the download again.`);
    }
    commit ??= got.commit;
    return { name, size: got.size, sha256: got.sha256 };
  };

  const selected = selectFiles(opts.repo, [...byName.keys()]);
  await ensureFreeSpace(dir, selected.map((n) => byName.get(n)?.size ?? 0), opts.repo);
  let files: ModelFile[] = [];
  let modelType: string | undefined;
  for (const name of selected) {
    files.push(await fetchOne(name));
    // config.json comes first: refuse an unsupported model before fetching its weights.
    if (name === 'config.json') modelType = await readModelType(dir);
    if (name === 'model.safetensors.index.json') {
      const index = path.join(dir, name);
      const shards = shardsOf(await readFile(index, 'utf8'), index);
      for (const shard of shards) if (!byName.has(shard)) throw new Error(`${opts.repo}: ${name} names shard ${shard}, which the repository does not have.`);
      await ensureFreeSpace(dir, shards.map((n) => byName.get(n)?.size ?? 0), opts.repo);
      for (const shard of shards) files.push(await fetchOne(shard));
    }
  }
  // One model.safetensors is what the loader reads: convert a pytorch_model.bin (through the
  // restricted unpickler) or merge shards now, once.
  const layout = weightsLayout(files.map((f) => f.name));
  if (layout && layout !== 'safetensors') {
    const { removed } = await normalizeInPlace(dir, layout);
    const single = path.join(dir, 'model.safetensors');
    files = files.filter((f) => !removed.includes(f.name));
    files.push({ name: 'model.safetensors', size: (await stat(single)).size, sha256: await sha256File(single) });
  }
  const model: RegisteredModel = {
    id: hubModelId(opts.repo, revision),
    source: 'hub',
    repo: opts.repo,
    revision,
    commit: commit ?? revision,
    path: dir,
    modelType: modelType ?? (await readModelType(dir)),
    files,
    sizeBytes: files.reduce((a, f) => a + f.size, 0),
    addedAt: new Date().toISOString(),
  };
  await registerModel(opts.home, model);
  return model;
}

/**
 * Fails early, in a sentence, when the disk cannot hold the download — better than an ENOSPC
 * halfway through a 700 MB file. Bytes already in `.part` files count as present.
 */
async function ensureFreeSpace(dir: string, sizes: number[], repo: string): Promise<void> {
  let free: number;
  try {
    const fs = await statfs(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return; // statfs is unavailable on some file systems; the write itself will report ENOSPC.
  }
  const need = sizes.reduce((a, b) => a + b, 0) - (await partialBytes(dir));
  // Keep 100 MB spare so the rest of the app (database, checkpoints) can still write.
  if (need + 100e6 > free) {
    throw new Error(`${repo} needs ${Math.ceil(need / 1e6)} MB but only ${Math.floor(free / 1e6)} MB are free in ${dir}; free some space or use another --home.`);
  }
}

async function partialBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) if (name.endsWith('.part')) total += (await stat(path.join(dir, name))).size;
  return total;
}
