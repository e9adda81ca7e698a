// Our own tokenizer contract. Everything downstream (tasks, trainer, export) sees only these
// types, never the tokenizer implementation, so WordPiece and byte-level BPE are interchangeable.

/** A special token: its string and its vocabulary id. */
export interface SpecialToken {
  token: string;
  id: number;
}

/** The special tokens every BERT-family model uses (RoBERTa: <s> </s> <pad> <unk> <mask>). */
export interface SpecialTokens {
  cls: SpecialToken;
  sep: SpecialToken;
  pad: SpecialToken;
  unk: SpecialToken;
  mask: SpecialToken;
}

/**
 * One model input, unpadded (the trainer pads batches dynamically). All arrays have one entry
 * per token, length ≤ maxLength.
 */
export interface Encoding {
  ids: number[];
  tokens: string[];
  /** 0 for the first sequence, 1 for the second (BERT); all 0 for RoBERTa, as Hugging Face does. */
  tokenTypeIds: number[];
  attentionMask: number[];
  /**
   * [start, end) in UTF-16 code units (JavaScript string indices) of the ORIGINAL string the
   * token came from (the first or second sequence; see sequenceIds); [0, 0] for special tokens.
   */
  offsets: [number, number][];
  /** Index of the word (pre-token, or input word for encodeWords) each token belongs to; null for specials. */
  wordIds: (number | null)[];
  /** 0 = first sequence, 1 = second sequence, null = special token. */
  sequenceIds: (0 | 1 | null)[];
  specialTokensMask: number[];
}

/** A token of one sequence before special tokens are added. */
export interface Piece {
  id: number;
  token: string;
  /** [start, end) in the original string, UTF-16 code units. */
  start: number;
  end: number;
  /** Word index within the sequence. */
  word: number;
}

export interface EncodeOptions {
  /** Total length including special tokens; longer inputs are cut (Hugging Face truncation=True). */
  maxLength?: number;
}

export interface PairOptions extends EncodeOptions {
  /** Which sequence loses tokens when the pair is too long (default 'longest_first', as Hugging Face). */
  truncation?: 'longest_first' | 'only_second';
}

export interface WindowOptions {
  /** Total tokens per window, specials included (default 384). */
  maxLength?: number;
  /** Context tokens shared by consecutive windows (default 128). */
  stride?: number;
}

export interface Tokenizer {
  readonly kind: 'wordpiece' | 'bpe';
  readonly special: SpecialTokens;
  /** Number of ids (vocabulary plus added tokens). */
  readonly vocabSize: number;
  /** The model's maximum input length from tokenizer_config.json (default 512). */
  readonly modelMaxLength: number;
  /** Tokens of one text without special tokens or truncation. */
  tokenize(text: string): Piece[];
  /** `[CLS] text [SEP]` (RoBERTa: `<s> text </s>`). */
  encode(text: string, options?: EncodeOptions): Encoding;
  /** `[CLS] a [SEP] b [SEP]` (RoBERTa: `<s> a </s></s> b </s>`). */
  encodePair(first: string, second: string, options?: PairOptions): Encoding;
  /**
   * Question-answering windows: the question whole in every window, the context cut into
   * overlapping windows of the room left, consecutive windows sharing `stride` context tokens
   * (Hugging Face truncation='only_second', return_overflowing_tokens=True, stride).
   */
  encodeWindows(question: string, context: string, options?: WindowOptions): Encoding[];
  /**
   * Pre-split words (Hugging Face is_split_into_words=True): each word tokenized on its own,
   * wordIds = index into `words`, offsets into `words.join(' ')`.
   */
  encodeWords(words: readonly string[], options?: EncodeOptions): Encoding;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** Text of ids, specials dropped (for display only; not guaranteed to round-trip). */
  decode(ids: readonly number[]): string;
}
