import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkRevision } from './api.ts';

/**
 * The model registry: `${home}/models/manifest.json`, one entry per model the app can use
 * offline — downloaded from the hub into the cache, or a local folder registered by
 * reference. An entry is written only once every file is on disk and verified, so an entry
 * means "usable without network". Writes go to a temp file then rename, so a crash never
 * leaves half a manifest.
 */

export interface ModelFile {
  readonly name: string;
  readonly size: number;
  /** Present for files downloaded with a known hash. */
  readonly sha256?: string;
}

export interface RegisteredModel {
  /** `org/name@revision` for the hub, the absolute folder for local models. */
  readonly id: string;
  readonly source: 'hub' | 'local';
  /** Hub repo id, e.g. `google/bert_uncased_L-2_H-128_A-2`. */
  readonly repo?: string;
  /** As requested (`main`, a tag, or a commit). */
  readonly revision?: string;
  /** The commit the hub resolved the revision to. */
  readonly commit?: string;
  /** The folder holding config.json, model.safetensors and tokenizer files. */
  readonly path: string;
  /**
   * Local models whose weights had to be converted (pytorch_model.bin, shards): the user's
   * original folder, left untouched; `path` is then the converted copy under the cache.
   */
  readonly sourcePath?: string;
  readonly modelType: string;
  readonly files: readonly ModelFile[];
  readonly sizeBytes: number;
  readonly addedAt: string;
}

export interface ModelManifest {
  readonly version: 1;
  readonly models: readonly RegisteredModel[];
}

export function modelsDir(home: string): string {
  return path.join(home, 'models');
}

export function manifestPath(home: string): string {
  return path.join(modelsDir(home), 'manifest.json');
}

/** `org/name` + revision → `${home}/models/org--name/revision`; a name without org keeps its name. */
export function cacheDirFor(home: string, repo: string, revision: string): string {
  checkRevision(revision);
  return path.join(modelsDir(home), repo.replace('/', '--'), revision.replace(/\//g, '--'));
}

export function hubModelId(repo: string, revision: string): string {
  return `${repo}@${revision}`;
}

export async function readManifest(home: string): Promise<ModelManifest> {
  const file = manifestPath(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: [] };
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or delete it (models stay on disk and can be added again with 'bert-studio models add').`);
  }
  const m = parsed as Partial<ModelManifest>;
  if (m.version !== 1 || !Array.isArray(m.models)) throw new Error(`${file} is not a BERT Studio model manifest (expected version 1 with a models list).`);
  return { version: 1, models: m.models };
}

/**
 * Read-modify-write of the manifest. Within one process calls are serialized; two processes
 * writing at the same instant can lose one entry (last rename wins), which re-adding repairs.
 */
let queue: Promise<unknown> = Promise.resolve();
export function updateManifest(home: string, change: (m: ModelManifest) => ModelManifest): Promise<ModelManifest> {
  const run = queue.then(async () => {
    const next = change(await readManifest(home));
    const file = manifestPath(home);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return next;
  });
  queue = run.catch(() => undefined);
  return run;
}

/** Adds or replaces (same id) a model entry. */
export function registerModel(home: string, model: RegisteredModel): Promise<ModelManifest> {
  return updateManifest(home, (m) => ({ version: 1, models: [...m.models.filter((x) => x.id !== model.id), model] }));
}

/** True when every file the entry lists is on disk with its recorded size. */
export async function isComplete(model: RegisteredModel): Promise<boolean> {
  for (const f of model.files) {
    try {
      if ((await stat(path.join(model.path, f.name))).size !== f.size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The cached copy of a hub model, with no network: matched by repo and by the revision as
 * requested or the commit it resolved to. Undefined when absent or when files went missing.
 */
export async function resolveCachedModel(home: string, repo: string, revision = 'main'): Promise<RegisteredModel | undefined> {
  const { models } = await readManifest(home);
  const hit = models.find((m) => m.source === 'hub' && m.repo === repo && (m.revision === revision || m.commit === revision));
  return hit && (await isComplete(hit)) ? hit : undefined;
}
