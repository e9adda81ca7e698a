// Special-token templates, truncation and overflowing windows on top of a sub-word model, as
// Hugging Face's post-processors (BertProcessing, RobertaProcessing) and truncation do them.
import type { Encoding, EncodeOptions, PairOptions, Piece, SpecialTokens, Tokenizer, WindowOptions } from './types.ts';

/** What a sub-word model gives the encoder. */
export interface SubwordModel {
  /** Tokens of a text (offsets into it, word ids from 0). */
  tokenize(text: string): Piece[];
  /** Tokens of one pre-split word (RoBERTa: with the prefix space Hugging Face requires). */
  tokenizeWord(word: string): Piece[];
  decode(tokens: readonly string[]): string;
}

export interface TemplateTokenizerInit {
  kind: 'wordpiece' | 'bpe';
  /** 'bert': [CLS] A [SEP] B [SEP], types 0…0 1…1; 'roberta': <s> A </s></s> B </s>, types all 0. */
  template: 'bert' | 'roberta';
  special: SpecialTokens;
  vocab: ReadonlyMap<string, number>;
  model: SubwordModel;
  modelMaxLength?: number;
}

type Seq = 0 | 1;

export class TemplateTokenizer implements Tokenizer {
  readonly kind: 'wordpiece' | 'bpe';
  readonly special: SpecialTokens;
  readonly vocabSize: number;
  readonly modelMaxLength: number;
  private readonly template: 'bert' | 'roberta';
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly byId: string[];
  private readonly model: SubwordModel;
  private readonly specialIds: Set<number>;
  private readonly specialPattern: RegExp;
  private readonly specialSplit: RegExp;

  constructor(init: TemplateTokenizerInit) {
    this.kind = init.kind;
    this.template = init.template;
    this.special = init.special;
    this.vocab = init.vocab;
    this.model = init.model;
    this.modelMaxLength = init.modelMaxLength ?? 512;
    this.byId = [];
    for (const [tok, id] of init.vocab) this.byId[id] = tok;
    this.vocabSize = this.byId.length;
    this.specialIds = new Set(Object.values(init.special).map((s: { id: number }) => s.id));
    // Longest first, so "</s>" is never read as a shorter token's prefix.
    const alternatives = [...new Set(Object.values(init.special).map((s: { token: string }) => s.token))]
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|');
    this.specialPattern = new RegExp(alternatives);
    this.specialSplit = new RegExp(alternatives, 'g');
  }

  tokenize(text: string): Piece[] {
    return this.withSpecials(text, (t) => this.model.tokenize(t));
  }

  /**
   * Special tokens written literally in the text ("[SEP]", "<mask>") are matched first, on the
   * raw text, and become single tokens, as Hugging Face's added tokens do; each is a word of
   * its own, and word ids keep counting across the pieces in between.
   */
  private withSpecials(text: string, tokenize: (t: string) => Piece[]): Piece[] {
    if (!this.specialPattern.test(text)) return tokenize(text);
    const out: Piece[] = [];
    let word = 0;
    let at = 0;
    const plain = (end: number): void => {
      if (end <= at) return;
      const ps = tokenize(text.slice(at, end));
      for (const p of ps) out.push({ ...p, start: p.start + at, end: p.end + at, word: p.word + word });
      if (ps.length > 0) word += ps[ps.length - 1].word + 1;
    };
    for (const m of text.matchAll(this.specialSplit)) {
      const start = m.index ?? 0;
      plain(start);
      const id = this.vocab.get(m[0]) ?? this.special.unk.id;
      out.push({ id, token: m[0], start, end: start + m[0].length, word: word++ });
      at = start + m[0].length;
    }
    plain(text.length);
    return out;
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    let a = this.tokenize(text);
    if (options.maxLength !== undefined) a = a.slice(0, Math.max(0, options.maxLength - 2));
    return this.assemble(a, null);
  }

  encodePair(first: string, second: string, options: PairOptions = {}): Encoding {
    let a = this.tokenize(first);
    let b = this.tokenize(second);
    if (options.maxLength !== undefined) {
      const room = options.maxLength - this.pairSpecials();
      if (options.truncation === 'only_second') {
        if (room - a.length < 0) throw new Error(`The first sequence (${a.length} tokens) does not fit in max length ${options.maxLength}.`);
        b = b.slice(0, room - a.length);
      } else [a, b] = longestFirst(a, b, room);
    }
    return this.assemble(a, b);
  }

  // Not delegated to the `tokenizers` binding: its 0.23.x truncating encode stops tokenizing at
  // max_length, so the overflowing windows miss the end of long contexts (huggingface/tokenizers
  // #2091, fix pending in #2098). These windows follow Encoding::truncate as of 0.22: starts at
  // 0, room − stride, 2·(room − stride), … until one reaches the end.
  encodeWindows(question: string, context: string, options: WindowOptions = {}): Encoding[] {
    const maxLength = options.maxLength ?? 384;
    let stride = options.stride ?? 128;
    let q = this.tokenize(question);
    const c = this.tokenize(context);
    const budget = maxLength - this.pairSpecials();
    if (budget < 2) throw new Error(`Max length ${maxLength} leaves no room for a question and a context.`);
    // Hugging Face raises when the question leaves no more than `stride` context tokens; we cut
    // an over-long question to half the budget instead and shrink the stride to fit, so one odd
    // example cannot stop a training run.
    if (budget - q.length <= Math.min(stride, c.length - 1)) q = q.slice(0, Math.floor(budget / 2));
    const room = budget - q.length;
    stride = Math.max(0, Math.min(stride, room - 1));
    const windows: Encoding[] = [];
    for (let start = 0; ; start += room - stride) {
      const stop = Math.min(start + room, c.length);
      windows.push(this.assemble(q, c.slice(start, stop)));
      if (stop >= c.length) break;
    }
    return windows;
  }

  encodeWords(words: readonly string[], options: EncodeOptions = {}): Encoding {
    let pieces: Piece[] = [];
    let at = 0;
    words.forEach((w, i) => {
      for (const p of this.withSpecials(w, (t) => this.model.tokenizeWord(t))) pieces.push({ ...p, start: p.start + at, end: p.end + at, word: i });
      at += w.length + 1;
    });
    if (options.maxLength !== undefined) pieces = pieces.slice(0, Math.max(0, options.maxLength - 2));
    return this.assemble(pieces, null);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.byId[id];
  }

  decode(ids: readonly number[]): string {
    const toks = ids.filter((id) => !this.specialIds.has(id)).map((id) => this.byId[id] ?? '');
    return this.model.decode(toks);
  }

  private pairSpecials(): number {
    return this.template === 'bert' ? 3 : 4;
  }

  private assemble(a: readonly Piece[], b: readonly Piece[] | null): Encoding {
    const e: Encoding = { ids: [], tokens: [], tokenTypeIds: [], attentionMask: [], offsets: [], wordIds: [], sequenceIds: [], specialTokensMask: [] };
    const special = (tok: { token: string; id: number }, type: number): void => {
      e.ids.push(tok.id);
      e.tokens.push(tok.token);
      e.tokenTypeIds.push(type);
      e.attentionMask.push(1);
      e.offsets.push([0, 0]);
      e.wordIds.push(null);
      e.sequenceIds.push(null);
      e.specialTokensMask.push(1);
    };
    const seq = (ps: readonly Piece[], s: Seq, type: number): void => {
      for (const p of ps) {
        e.ids.push(p.id);
        e.tokens.push(p.token);
        e.tokenTypeIds.push(type);
        e.attentionMask.push(1);
        e.offsets.push([p.start, p.end]);
        e.wordIds.push(p.word);
        e.sequenceIds.push(s);
        e.specialTokensMask.push(0);
      }
    };
    const { cls, sep } = this.special;
    special(cls, 0);
    seq(a, 0, 0);
    special(sep, 0);
    if (b) {
      const type = this.template === 'bert' ? 1 : 0;
      if (this.template === 'roberta') special(sep, 0);
      seq(b, 1, type);
      special(sep, type);
    }
    return e;
  }
}

/**
 * Hugging Face's LongestFirst for pairs: the shorter sequence keeps its tokens if it fits in
 * half the room, the longer one gets the rest; when both exceed half, each gets half.
 */
function longestFirst(a: Piece[], b: Piece[], room: number): [Piece[], Piece[]] {
  if (a.length + b.length <= room) return [a, b];
  const swap = a.length > b.length;
  let n1 = Math.min(a.length, b.length);
  let n2: number;
  if (n1 > room) n2 = n1;
  else n2 = Math.max(n1, room - n1);
  if (n1 + n2 > room) {
    n1 = Math.floor(room / 2);
    n2 = n1 + (room % 2);
  }
  const [na, nb] = swap ? [n2, n1] : [n1, n2];
  return [a.slice(0, na), b.slice(0, nb)];
}
