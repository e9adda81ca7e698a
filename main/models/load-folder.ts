// Reads a Hugging Face model folder: config.json + model.safetensors (+ tokenizer files,
// whose paths are returned for main/text to load). Errors name the file and what to do.
import fs from 'node:fs';
import path from 'node:path';
import type { TensorData } from './types.ts';
import { ModelFormatError, parseConfig, validateConfig, type ModelConfig } from './config.ts';
import { FAMILIES } from './families.ts';
import { readSafetensors } from './safetensors.ts';

export interface ModelFolder {
  readonly dir: string;
  readonly config: ModelConfig;
  readonly weights: Map<string, TensorData>;
  /** Paths of the tokenizer files present (tokenizer.json, vocab.txt, merges.txt, vocab.json, tokenizer_config.json, special_tokens_map.json). */
  readonly tokenizerFiles: Readonly<Record<string, string>>;
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Expected shape of each encoder weight the config implies, to catch config/weights mismatches. */
function expectedShapes(c: ModelConfig): Map<string, number[]> {
  const p = FAMILIES[c.modelType].prefix;
  const h = c.hiddenSize;
  const m = new Map<string, number[]>([
    [`${p}.embeddings.word_embeddings.weight`, [c.vocabSize, h]],
    [`${p}.embeddings.position_embeddings.weight`, [c.maxPositions, h]],
  ]);
  if (c.typeVocabSize) m.set(`${p}.embeddings.token_type_embeddings.weight`, [c.typeVocabSize, h]);
  const layer = c.modelType === 'distilbert' ? `${p}.transformer.layer.0.ffn.lin1.weight` : `${p}.encoder.layer.0.intermediate.dense.weight`;
  m.set(layer, [c.intermediateSize, h]);
  return m;
}

/**
 * Brings checkpoint names to the task-model form the graphs use: a bare encoder saved from
 * BertModel/RobertaModel/DistilBertModel ('embeddings.…') gains the family prefix, and old
 * TF-converted LayerNorm names (gamma/beta) become weight/bias.
 */
export function normalizeWeightNames(config: ModelConfig, weights: Map<string, TensorData>): Map<string, TensorData> {
  const prefix = FAMILIES[config.modelType].prefix;
  const bare = ![...weights.keys()].some((k) => k.startsWith(`${prefix}.`)) && [...weights.keys()].some((k) => k.startsWith('embeddings.'));
  const encoderPart = /^(embeddings|encoder|pooler|transformer)\./;
  const out = new Map<string, TensorData>();
  for (const [name, t] of weights) {
    let n = bare && encoderPart.test(name) ? `${prefix}.${name}` : name;
    n = n.replace(/(LayerNorm|layer_norm)\.gamma$/, '$1.weight').replace(/(LayerNorm|layer_norm)\.beta$/, '$1.bias');
    out.set(n, t);
  }
  return out;
}

export function loadModelFolder(dir: string): ModelFolder {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ModelFormatError(`Model folder ${dir} does not exist; choose a folder holding config.json and model.safetensors.`);
  const configFile = path.join(dir, 'config.json');
  if (!fs.existsSync(configFile)) throw new ModelFormatError(`${configFile} is missing; a Hugging Face model folder needs its config.json.`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (err) {
    throw new ModelFormatError(`${configFile} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const config = parseConfig(json, configFile);
  validateConfig(config, configFile);
  const weightsFile = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(weightsFile)) {
    const hint = fs.existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (this folder has pytorch_model.bin; import it to convert it to safetensors)' : '';
    throw new ModelFormatError(`${weightsFile} is missing${hint}.`);
  }
  const weights = normalizeWeightNames(config, readSafetensors(weightsFile));
  for (const [name, shape] of expectedShapes(config)) {
    const t = weights.get(name);
    if (!t) throw new ModelFormatError(`${weightsFile} has no tensor ${name}, which config.json's ${config.modelType} model needs.`);
    if (t.shape.join('x') !== shape.join('x')) throw new ModelFormatError(`${weightsFile}: ${name} has shape [${t.shape}] but config.json implies [${shape}]; the weights do not belong to this config.`);
  }
  const tokenizerFiles: Record<string, string> = {};
  for (const f of TOKENIZER_FILES) if (fs.existsSync(path.join(dir, f))) tokenizerFiles[f] = path.join(dir, f);
  return { dir, config, weights, tokenizerFiles };
}
