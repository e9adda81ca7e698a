// An export is meant to be shared: it must not carry paths from the machine that made it (user
// names, folder layouts). Models are named by their catalog/Hub id or their folder's name, data
// files by their file name, and path-valued keys of copied Hugging Face files are dropped.
import path from 'node:path';
import type { CardFacts } from './model-card.ts';

const isAbsolute = (p: string): boolean => path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || p.startsWith('~');

/** The last part of a path, whichever separator it uses. */
function lastPart(p: string): string {
  return p.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? p;
}

/**
 * The name to show for a base model given as a folder: a Hub model in the models cache
 * (`…/models/org--name/revision`) is `org/name`; any other folder is its own name. Names that
 * are not paths (a Hub id, `from-scratch-tiny`) stay as they are.
 */
export function shareableModelName(ref: string): string {
  if (!isAbsolute(ref) && !ref.startsWith('.')) return ref;
  const parts = ref.replace(/[\\/]+$/, '').split(/[\\/]/);
  const [models, repo] = [parts.at(-3), parts.at(-2)];
  if (models === 'models' && repo?.includes('--')) return repo.replace('--', '/');
  return lastPart(ref);
}

export function shareableFacts(f: CardFacts): CardFacts {
  return {
    ...f,
    ...(f.baseModel !== undefined ? { baseModel: shareableModelName(f.baseModel) } : {}),
    ...(f.data ? { data: { ...f.data, ...(f.data.files ? { files: f.data.files.map(lastPart) } : {}) } } : {}),
  };
}

/**
 * A copied JSON file (tokenizer_config.json, config.json) without values that are absolute
 * paths: Hugging Face writes `name_or_path` / `_name_or_path` / `tokenizer_file` as the folder
 * it loaded from. Such a key becomes the folder's name (the key still says where it came from).
 */
export function withoutPaths(json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' && isAbsolute(v) ? lastPart(v) : v]));
}
