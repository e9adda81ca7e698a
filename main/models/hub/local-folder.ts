import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { modelsDir, registerModel, type ModelFile, type RegisteredModel } from './manifest.ts';
import { convertedCopy, weightsLayout } from './normalize.ts';

/**
 * A quick check that a folder is a Hugging Face model BERT Studio can fine-tune, before it is
 * registered: config.json with a supported model_type, weights, tokenizer files. Deep checks
 * (tensor shapes against the config) happen when the model is loaded.
 */

export const SUPPORTED_MODEL_TYPES = ['bert', 'distilbert', 'roberta'] as const;

const WEIGHT_FILES = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'];
const TOKENIZER_MARKERS = ['tokenizer.json', 'vocab.txt', 'vocab.json'];
const KEEP = /^(config\.json|model(-\d+-of-\d+)?\.safetensors(\.index\.json)?|pytorch_model\.bin|tokenizer\.json|vocab\.(txt|json)|merges\.txt|tokenizer_config\.json|special_tokens_map\.json)$/;

/** Reads `model_type` from `dir/config.json`; throws a sentence naming the file when it is missing or unsupported. */
export async function readModelType(dir: string): Promise<string> {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing; a Hugging Face model folder needs its config.json.`);
  }
  let config: { model_type?: unknown };
  try {
    config = JSON.parse(text) as typeof config;
  } catch {
    throw new Error(`${file} is not valid JSON.`);
  }
  const type = config.model_type;
  if (typeof type !== 'string') throw new Error(`${file} has no model_type; BERT Studio needs one of ${SUPPORTED_MODEL_TYPES.join(', ')}.`);
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(type)) throw new Error(`Unsupported model type: ${type} (in ${file}); BERT Studio fine-tunes ${SUPPORTED_MODEL_TYPES.join(', ')} models.`);
  return type;
}

/** Validates `dir` and lists the files a model load uses, with their sizes. */
export async function inspectModelFolder(dir: string): Promise<{ modelType: string; files: ModelFile[] }> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
    names = await readdir(dir);
  } catch {
    throw new Error(`${dir} is not a readable folder; give the folder that holds config.json.`);
  }
  const modelType = await readModelType(dir);
  const has = new Set(names);
  if (!WEIGHT_FILES.some((f) => has.has(f))) throw new Error(`${dir} has no weights: expected model.safetensors (or its index and shards) or pytorch_model.bin.`);
  if (!TOKENIZER_MARKERS.some((f) => has.has(f))) throw new Error(`${dir} has no tokenizer: expected tokenizer.json, vocab.txt, or vocab.json with merges.txt.`);
  if (has.has('vocab.json') && !has.has('merges.txt') && !has.has('tokenizer.json')) throw new Error(`${dir} has vocab.json but no merges.txt; RoBERTa's tokenizer needs both.`);
  const files: ModelFile[] = [];
  for (const name of names.filter((n) => KEEP.test(n)).sort()) files.push({ name, size: (await stat(path.join(dir, name))).size });
  return { modelType, files };
}

/**
 * Registers a local folder by reference (nothing is copied; it must stay where it is). A
 * folder whose weights are pytorch_model.bin or shards gets a converted copy under
 * `${home}/models/converted/`, since the loader reads only model.safetensors and the user's
 * folder is never modified.
 */
export async function registerLocalFolder(home: string, dir: string): Promise<RegisteredModel> {
  const abs = path.resolve(dir);
  let { modelType, files } = await inspectModelFolder(abs);
  let usedPath = abs;
  if (weightsLayout(files.map((f) => f.name)) !== 'safetensors') {
    usedPath = path.join(modelsDir(home), 'converted', `${path.basename(abs)}-${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`);
    await convertedCopy(abs, usedPath);
    ({ modelType, files } = await inspectModelFolder(usedPath));
  }
  const model: RegisteredModel = {
    id: abs,
    source: 'local',
    path: usedPath,
    ...(usedPath !== abs ? { sourcePath: abs } : {}),
    modelType,
    files,
    sizeBytes: files.reduce((a, f) => a + f.size, 0),
    addedAt: new Date().toISOString(),
  };
  await registerModel(home, model);
  return model;
}
