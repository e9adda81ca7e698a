import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findCatalogEntry } from '../catalog.ts';
import { readManifest, resolveCachedModel, type RegisteredModel } from './manifest.ts';

/**
 * Turns what a user types for a base model — a folder, a catalog name, `org/name` or
 * `org/name@revision` — into the folder to load, using only the disk. Commands such as train
 * call this; it never downloads (that is `models add`, done once while online).
 */

export interface ResolvedModel {
  /** Absolute folder with config.json, weights and tokenizer files. */
  readonly path: string;
  /** The manifest entry, when the model was registered or downloaded. */
  readonly registered?: RegisteredModel;
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function resolveModelRef(home: string, ref: string): Promise<ResolvedModel> {
  if (await isFolder(ref)) {
    const abs = path.resolve(ref);
    const { models } = await readManifest(home);
    return { path: abs, registered: models.find((m) => m.source === 'local' && m.path === abs) };
  }
  const at = ref.lastIndexOf('@');
  const name = at > 0 ? ref.slice(0, at) : ref;
  const revision = at > 0 ? ref.slice(at + 1) : 'main';
  // A catalog short name (bert-base-uncased) is cached under its canonical repo, or under the
  // short name if someone downloaded it that way.
  const candidates = [...new Set([findCatalogEntry(name)?.repo ?? name, name])];
  for (const repo of candidates) {
    const cached = await resolveCachedModel(home, repo, revision);
    if (cached) return { path: cached.path, registered: cached };
  }
  throw new Error(`Model '${ref}' is not on this computer. While online, run 'bert-studio models add ${name}${at > 0 ? ` --revision ${revision}` : ''}', or give the path of a Hugging Face model folder.`);
}
