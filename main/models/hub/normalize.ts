import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { convertPytorchToSafetensors } from '../pickle/convert.ts';
import { readSafetensors, writeSafetensors } from '../safetensors.ts';
import { shardsOf } from './api.ts';

/**
 * The model loader (main/models/load-folder.ts) reads exactly one weights file,
 * model.safetensors. Models arrive as that, as safetensors shards with an index, or as a
 * PyTorch pytorch_model.bin; this turns the other two into the first, once, when the model
 * is added — so loading stays simple and a pickle is never read again after its first check.
 */

export type WeightsLayout = 'safetensors' | 'sharded-safetensors' | 'pytorch';

export function weightsLayout(names: Iterable<string>): WeightsLayout | undefined {
  const has = new Set(names);
  if (has.has('model.safetensors')) return 'safetensors';
  if (has.has('model.safetensors.index.json')) return 'sharded-safetensors';
  if (has.has('pytorch_model.bin')) return 'pytorch';
  return undefined;
}

/** Writes `outFile` from the shards named in `srcDir`'s index, all tensors in one file (float32). */
async function mergeShards(srcDir: string, outFile: string): Promise<string[]> {
  const index = path.join(srcDir, 'model.safetensors.index.json');
  const shards = shardsOf(await readFile(index, 'utf8'), index);
  const all: ReturnType<typeof readSafetensors> = new Map();
  for (const shard of shards) for (const [k, v] of readSafetensors(path.join(srcDir, shard))) all.set(k, v);
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeSafetensors(tmp, all, { metadata: { format: 'pt', merged_from: 'model.safetensors.index.json' } });
  await rename(tmp, outFile);
  return ['model.safetensors.index.json', ...shards];
}

/**
 * Writes `destDir/model.safetensors` from the weights in `srcDir` (which may be the same
 * folder). Returns the source weight files it replaces. A hostile pickle fails here with the
 * restricted unpickler's refusal.
 */
export async function writeSingleSafetensors(srcDir: string, destDir: string, layout: WeightsLayout | undefined): Promise<string[]> {
  const out = path.join(destDir, 'model.safetensors');
  if (layout === 'sharded-safetensors') return mergeShards(srcDir, out);
  if (layout === 'pytorch') {
    await convertPytorchToSafetensors(path.join(srcDir, 'pytorch_model.bin'), out);
    return ['pytorch_model.bin'];
  }
  return [];
}

/**
 * In a folder the app owns (the download cache): convert, then delete the replaced files.
 * `layout` is that of the files just downloaded, not of the folder, which may still hold a
 * model.safetensors converted from an older download.
 */
export async function normalizeInPlace(dir: string, layout: WeightsLayout): Promise<{ removed: string[] }> {
  let removed: string[];
  try {
    removed = await writeSingleSafetensors(dir, dir, layout);
  } catch (err) {
    // Never keep weights that failed the safe loader: they must not be tried again later.
    await rm(path.join(dir, 'pytorch_model.bin'), { force: true });
    throw err;
  }
  for (const f of removed) await rm(path.join(dir, f), { force: true });
  return { removed };
}

const COPY = ['config.json', 'tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/** For a user's folder, which is never modified: a converted copy in `destDir`. */
export async function convertedCopy(srcDir: string, destDir: string): Promise<void> {
  await mkdir(destDir, { recursive: true });
  const present = new Set(await readdir(srcDir));
  for (const f of COPY) if (present.has(f)) await copyFile(path.join(srcDir, f), path.join(destDir, f));
  await writeSingleSafetensors(srcDir, destDir, weightsLayout(present));
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
