// Builds our tokenizers from plain data (vocabularies, merges, options); load.ts reads the files.
import { BpeModel } from './bpe.ts';
import { TemplateTokenizer } from './encoder.ts';
import type { SpecialTokens, Tokenizer } from './types.ts';
import { WordPieceModel } from './wordpiece.ts';

export type SpecialTokenNames = Record<keyof SpecialTokens, string>;

export const BERT_SPECIAL: SpecialTokenNames = { cls: '[CLS]', sep: '[SEP]', pad: '[PAD]', unk: '[UNK]', mask: '[MASK]' };
export const ROBERTA_SPECIAL: SpecialTokenNames = { cls: '<s>', sep: '</s>', pad: '<pad>', unk: '<unk>', mask: '<mask>' };

export interface WordPieceTokenizerOptions {
  vocab: ReadonlyMap<string, number>;
  /** do_lower_case (uncased models). */
  lowercase: boolean;
  /** Default: same as lowercase, as Hugging Face's strip_accents=None. */
  stripAccents?: boolean;
  handleChineseChars?: boolean;
  cleanText?: boolean;
  special?: Partial<SpecialTokenNames>;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  modelMaxLength?: number;
}

export function createWordPieceTokenizer(o: WordPieceTokenizerOptions): Tokenizer {
  const names = { ...BERT_SPECIAL, ...o.special };
  const model = new WordPieceModel(
    o.vocab,
    { cleanText: o.cleanText ?? true, handleChineseChars: o.handleChineseChars ?? true, stripAccents: o.stripAccents ?? o.lowercase, lowercase: o.lowercase },
    { unkToken: names.unk, continuingSubwordPrefix: o.continuingSubwordPrefix ?? '##', maxInputCharsPerWord: o.maxInputCharsPerWord ?? 100 },
  );
  return new TemplateTokenizer({
    kind: 'wordpiece',
    // A vocab.txt with RoBERTa's special tokens still gets BERT's template (the fixtures do this).
    template: 'bert',
    special: resolveSpecial(o.vocab, names),
    vocab: o.vocab,
    modelMaxLength: o.modelMaxLength,
    model: { tokenize: (t) => model.tokenize(t), tokenizeWord: (w) => model.tokenize(w), decode: (t) => model.decode(t) },
  });
}

export interface BpeTokenizerOptions {
  vocab: ReadonlyMap<string, number>;
  merges: readonly [string, string][];
  addPrefixSpace?: boolean;
  trimOffsets?: boolean;
  special?: Partial<SpecialTokenNames>;
  modelMaxLength?: number;
}

export function createByteLevelBpeTokenizer(o: BpeTokenizerOptions): Tokenizer {
  const names = { ...ROBERTA_SPECIAL, ...o.special };
  const model = new BpeModel(o.vocab, o.merges, {
    unkToken: o.vocab.has(names.unk) ? names.unk : null,
    addPrefixSpace: o.addPrefixSpace ?? false,
    trimOffsets: o.trimOffsets ?? true,
  });
  return new TemplateTokenizer({
    kind: 'bpe',
    template: 'roberta',
    special: resolveSpecial(o.vocab, names),
    vocab: o.vocab,
    modelMaxLength: o.modelMaxLength,
    // Pre-split words need a leading space to look like mid-sentence words (Hugging Face
    // requires add_prefix_space=True for RoBERTa with is_split_into_words).
    model: { tokenize: (t) => model.tokenize(t), tokenizeWord: (w) => (w === '' ? [] : model.tokenize(w, true)), decode: (t) => model.decode(t) },
  });
}

function resolveSpecial(vocab: ReadonlyMap<string, number>, names: SpecialTokenNames): SpecialTokens {
  const get = (k: keyof SpecialTokens) => {
    const id = vocab.get(names[k]);
    if (id === undefined) throw new Error(`The vocabulary has no ${k} token "${names[k]}"; check the tokenizer files or special_tokens_map.json.`);
    return { token: names[k], id };
  };
  return { cls: get('cls'), sep: get('sep'), pad: get('pad'), unk: get('unk'), mask: get('mask') };
}
