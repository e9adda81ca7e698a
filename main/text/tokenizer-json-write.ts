// Writes a Hugging Face tokenizer.json (the `tokenizers` library's format) for a model folder
// that has only vocab.txt (BERT WordPiece) or vocab.json + merges.txt (RoBERTa byte-level BPE),
// so an export can be loaded with `Tokenizer.from_file` / `Tokenizer.fromFile` instead of
// rebuilding the pipeline by hand. The options are read exactly as load.ts reads them for the
// app's own tokenizer, and the post-processors are the ones tokenizer-json.ts reads back.
import { readFile } from 'node:fs/promises';
import fs from 'node:fs';
import { join } from 'node:path';
import { parseMergesTxt } from './bpe.ts';
import { BERT_SPECIAL, ROBERTA_SPECIAL, type SpecialTokenNames } from './factory.ts';
import { readJson, specialNames } from './load.ts';
import { parseVocabTxt } from './wordpiece.ts';

type Json = Record<string, unknown>;

/** Special tokens as added tokens, as Hugging Face declares them: matched whole, never normalized. */
function addedTokens(vocab: ReadonlyMap<string, number>, names: SpecialTokenNames): Json[] {
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const name of Object.values(names)) {
    const id = vocab.get(name);
    if (id === undefined || seen.has(name)) continue;
    seen.add(name);
    out.push({ id, content: name, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  return out.sort((a, b) => Number(a.id) - Number(b.id));
}

function idOf(vocab: ReadonlyMap<string, number>, name: string, file: string): number {
  const id = vocab.get(name);
  if (id === undefined) throw new Error(`${file} has no "${name}" token, which the tokenizer needs; check special_tokens_map.json.`);
  return id;
}

/** tokenizer.json text for the folder's vocab.txt or vocab.json + merges.txt; undefined when it has neither. */
export async function tokenizerJsonFromFiles(dir: string): Promise<string | undefined> {
  const config = await readJson(join(dir, 'tokenizer_config.json'));
  const special = specialNames(config, await readJson(join(dir, 'special_tokens_map.json')));
  const base = { version: '1.0', truncation: null, padding: null };
  const vt = join(dir, 'vocab.txt');
  if (fs.existsSync(vt)) {
    const vocab = parseVocabTxt(await readFile(vt, 'utf8'));
    const names = { ...BERT_SPECIAL, ...special };
    const lowercase = config.do_lower_case !== false;
    return JSON.stringify({
      ...base,
      added_tokens: addedTokens(vocab, names),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: config.tokenize_chinese_chars !== false, strip_accents: typeof config.strip_accents === 'boolean' ? config.strip_accents : lowercase, lowercase },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', sep: [names.sep, idOf(vocab, names.sep, vt)], cls: [names.cls, idOf(vocab, names.cls, vt)] },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: names.unk, continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab) },
    });
  }
  const vj = join(dir, 'vocab.json');
  const mt = join(dir, 'merges.txt');
  if (fs.existsSync(vj) && fs.existsSync(mt)) {
    const vocab = new Map(Object.entries(await readJson(vj)).map(([t, id]) => [t, Number(id)]));
    const names = { ...ROBERTA_SPECIAL, ...special };
    const addPrefixSpace = config.add_prefix_space === true;
    const trimOffsets = config.trim_offsets !== false;
    const byteLevel = { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true };
    return JSON.stringify({
      ...base,
      added_tokens: addedTokens(vocab, names),
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { type: 'RobertaProcessing', sep: [names.sep, idOf(vocab, names.sep, vj)], cls: [names.cls, idOf(vocab, names.cls, vj)], trim_offsets: trimOffsets, add_prefix_space: addPrefixSpace },
      decoder: byteLevel,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: vocab.has(names.unk) ? names.unk : null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab: Object.fromEntries(vocab),
        merges: parseMergesTxt(await readFile(mt, 'utf8')).map(([a, b]) => `${a} ${b}`),
      },
    });
  }
  return undefined;
}
