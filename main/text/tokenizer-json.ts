// Reads a Hugging Face tokenizer.json into our tokenizers. Only the two pipelines BERT-family
// models ship are supported (BertNormalizer + BertPreTokenizer + WordPiece, and ByteLevel + BPE);
// anything else is refused with a sentence naming the part, rather than tokenized differently.
import { createByteLevelBpeTokenizer, createWordPieceTokenizer, type SpecialTokenNames } from './factory.ts';
import type { Tokenizer } from './types.ts';

interface Json {
  [k: string]: unknown;
}

const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

export function tokenizerFromJson(text: string, special: Partial<SpecialTokenNames>, modelMaxLength: number, file = 'tokenizer.json'): Tokenizer {
  const root = obj(JSON.parse(text));
  const model = obj(root?.model);
  if (!root || !model) throw new Error(`${file} has no "model" section; is it a Hugging Face tokenizer file?`);
  const vocab = new Map<string, number>();
  const v = obj(model.vocab);
  if (!v) throw new Error(`${file}: model.vocab is missing.`);
  for (const [tok, id] of Object.entries(v)) vocab.set(tok, Number(id));
  // Added tokens (specials) may live outside model.vocab.
  if (Array.isArray(root.added_tokens)) {
    for (const t of root.added_tokens) {
      const a = obj(t);
      if (a && typeof a.content === 'string' && typeof a.id === 'number' && !vocab.has(a.content)) vocab.set(a.content, a.id);
    }
  }
  const norm = obj(root.normalizer);
  const pre = obj(root.pre_tokenizer);
  const type = model.type ?? (model.merges ? 'BPE' : 'WordPiece');
  if (type === 'WordPiece') {
    if (norm && norm.type !== 'BertNormalizer') throw unsupported(file, 'normalizer', norm.type);
    if (pre && pre.type !== 'BertPreTokenizer') throw unsupported(file, 'pre_tokenizer', pre.type);
    const lowercase = norm?.lowercase !== false && norm !== null;
    return createWordPieceTokenizer({
      vocab,
      lowercase,
      stripAccents: typeof norm?.strip_accents === 'boolean' ? norm.strip_accents : lowercase,
      handleChineseChars: norm?.handle_chinese_chars !== false,
      cleanText: norm?.clean_text !== false,
      continuingSubwordPrefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
      maxInputCharsPerWord: typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
      special: { unk: typeof model.unk_token === 'string' ? model.unk_token : undefined, ...pick(special), ...postProcessorSpecial(root) },
      modelMaxLength,
    });
  }
  if (type === 'BPE') {
    if (norm) throw unsupported(file, 'normalizer', norm.type);
    if (!pre || pre.type !== 'ByteLevel') throw unsupported(file, 'pre_tokenizer', pre?.type ?? 'none');
    if (!Array.isArray(model.merges)) throw new Error(`${file}: model.merges is missing.`);
    const merges = model.merges.map((m): [string, string] => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${file}: a merge is not a pair: ${JSON.stringify(m)}.`);
      return [String(pair[0]), String(pair[1])];
    });
    const post = obj(root.post_processor);
    return createByteLevelBpeTokenizer({
      vocab,
      merges,
      addPrefixSpace: pre.add_prefix_space === true,
      trimOffsets: post?.trim_offsets !== false,
      special: { ...pick(special), ...postProcessorSpecial(root) },
      modelMaxLength,
    });
  }
  throw unsupported(file, 'model', type);
}

function unsupported(file: string, part: string, what: unknown): Error {
  return new Error(`${file} uses ${part} "${String(what)}", which BERT Studio does not support (only BERT WordPiece and RoBERTa byte-level BPE tokenizers are).`);
}

/** cls/sep from BertProcessing/RobertaProcessing ({sep: [tok, id], cls: [tok, id]}). */
function postProcessorSpecial(root: Json): Partial<SpecialTokenNames> {
  const post = obj(root.post_processor);
  const out: Partial<SpecialTokenNames> = {};
  if (post && Array.isArray(post.cls) && typeof post.cls[0] === 'string') out.cls = post.cls[0];
  if (post && Array.isArray(post.sep) && typeof post.sep[0] === 'string') out.sep = post.sep[0];
  return out;
}

function pick(s: Partial<SpecialTokenNames>): Partial<SpecialTokenNames> {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === 'string'));
}
