// Public surface of main/text: import from here.
export type { Encoding, EncodeOptions, PairOptions, Piece, SpecialToken, SpecialTokens, Tokenizer, WindowOptions } from './types.ts';
export { loadTokenizer } from './load.ts';
export { createWordPieceTokenizer, createByteLevelBpeTokenizer, BERT_SPECIAL, ROBERTA_SPECIAL } from './factory.ts';
export type { WordPieceTokenizerOptions, BpeTokenizerOptions, SpecialTokenNames } from './factory.ts';
export { parseVocabTxt } from './wordpiece.ts';
export { parseMergesTxt } from './bpe.ts';
export { tokenizerFromJson } from './tokenizer-json.ts';
export { trainWordPieceVocab, writeVocab, SPECIAL_ORDER } from './vocab-trainer.ts';
export type { TrainVocabOptions } from './vocab-trainer.ts';
