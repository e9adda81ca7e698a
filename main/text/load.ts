// loadTokenizer(dir): the tokenizer of a Hugging Face model folder. Files are tried in the order
// Hugging Face's AutoTokenizer prefers them: tokenizer.json, then vocab.txt (BERT, DistilBERT),
// then vocab.json + merges.txt (RoBERTa). tokenizer_config.json and special_tokens_map.json
// supply do_lower_case and the special tokens.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMergesTxt } from './bpe.ts';
import { createByteLevelBpeTokenizer, createWordPieceTokenizer, type SpecialTokenNames } from './factory.ts';
import { tokenizerFromJson } from './tokenizer-json.ts';
import type { Tokenizer } from './types.ts';
import { parseVocabTxt } from './wordpiece.ts';

type Json = Record<string, unknown>;

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function readJson(p: string): Promise<Json> {
  if (!(await exists(p))) return {};
  try {
    const v: unknown = JSON.parse(await readFile(p, 'utf8'));
    return v !== null && typeof v === 'object' ? (v as Json) : {};
  } catch (e) {
    throw new Error(`${p} is not valid JSON (${(e as Error).message}).`);
  }
}

/** A special token in a config is a string or an AddedToken dict {content: "..."}. */
function tokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as Json).content === 'string') return (v as Json).content as string;
  return undefined;
}

export function specialNames(config: Json, map: Json): Partial<SpecialTokenNames> {
  const out: Partial<SpecialTokenNames> = {};
  for (const k of ['cls', 'sep', 'pad', 'unk', 'mask'] as const) {
    const name = tokenName(map[`${k}_token`]) ?? tokenName(config[`${k}_token`]);
    if (name !== undefined) out[k] = name;
  }
  return out;
}

export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const config = await readJson(join(dir, 'tokenizer_config.json'));
  const special = specialNames(config, await readJson(join(dir, 'special_tokens_map.json')));
  // Hugging Face writes 1e30 for "no limit"; BERT-family position tables stop at 512.
  const mml = typeof config.model_max_length === 'number' && config.model_max_length < 1e6 ? config.model_max_length : 512;
  const tj = join(dir, 'tokenizer.json');
  if (await exists(tj)) return tokenizerFromJson(await readFile(tj, 'utf8'), special, mml, tj);
  const vt = join(dir, 'vocab.txt');
  if (await exists(vt)) {
    const lowercase = config.do_lower_case !== false;
    return createWordPieceTokenizer({
      vocab: parseVocabTxt(await readFile(vt, 'utf8')),
      lowercase,
      stripAccents: typeof config.strip_accents === 'boolean' ? config.strip_accents : lowercase,
      handleChineseChars: config.tokenize_chinese_chars !== false,
      special,
      modelMaxLength: mml,
    });
  }
  const vj = join(dir, 'vocab.json');
  const mt = join(dir, 'merges.txt');
  if ((await exists(vj)) && (await exists(mt))) {
    const raw = await readJson(vj);
    const vocab = new Map(Object.entries(raw).map(([t, id]) => [t, Number(id)]));
    return createByteLevelBpeTokenizer({
      vocab,
      merges: parseMergesTxt(await readFile(mt, 'utf8')),
      addPrefixSpace: config.add_prefix_space === true,
      trimOffsets: config.trim_offsets !== false,
      special,
      modelMaxLength: mml,
    });
  }
  throw new Error(`No tokenizer in ${dir}: expected tokenizer.json, vocab.txt, or vocab.json with merges.txt.`);
}
