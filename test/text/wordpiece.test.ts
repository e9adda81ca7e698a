import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWordPieceTokenizer, parseVocabTxt, type Encoding } from '../../main/text/index.ts';
import { BERT_VOCAB_TXT } from './shared-paths.ts';
import { bertOracle, toUtf16 } from './oracle.ts';

// The parity fixtures' 1000-token uncased vocabulary: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4.
const VOCAB = parseVocabTxt(readFileSync(BERT_VOCAB_TXT, 'utf8'));
const uncased = createWordPieceTokenizer({ vocab: VOCAB, lowercase: true });
const cased = createWordPieceTokenizer({ vocab: VOCAB, lowercase: false });

/** The original text under each token's offsets. */
const spans = (text: string, e: Encoding) => e.offsets.map(([s, t]) => text.slice(s, t));

describe('WordPiece (BERT uncased): hand-checked', () => {
  it('lowercases and strips accents, but offsets point into the original text', () => {
    const text = 'Héllo, wörld!';
    const e = uncased.encode(text);
    // "héllo" → "hello": "he" is in the vocabulary, "hel"/"hell"/"hello" are not, then ##l ##l ##o.
    expect(e.tokens).toEqual(['[CLS]', 'he', '##l', '##l', '##o', ',', 'world', '!', '[SEP]']);
    expect(e.offsets).toEqual([[0, 0], [0, 2], [2, 3], [3, 4], [4, 5], [5, 6], [7, 12], [12, 13], [0, 0]]);
    expect(spans(text, e)).toEqual(['', 'Hé', 'l', 'l', 'o', ',', 'wörld', '!', '']);
    // Punctuation is its own word: hello=0 ,=1 world=2 !=3.
    expect(e.wordIds).toEqual([null, 0, 0, 0, 0, 1, 2, 3, null]);
    expect(e.ids[0]).toBe(2);
    expect(e.ids[e.ids.length - 1]).toBe(3);
    expect(e.tokenTypeIds.every((t) => t === 0)).toBe(true);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('splits CJK ideographs into single characters and marks unknown words [UNK] whole', () => {
    const text = '日本 €uro then';
    const e = uncased.encode(text);
    // 日 and 本 are not in the vocabulary; "€uro" has no matching first piece ("€" is a symbol,
    // not punctuation, so it stays in the word) and becomes one [UNK] over all 4 characters.
    expect(e.tokens).toEqual(['[CLS]', '[UNK]', '[UNK]', '[UNK]', 'then', '[SEP]']);
    expect(e.offsets.slice(1, 5)).toEqual([[0, 1], [1, 2], [3, 7], [8, 12]]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, null]);
  });

  it('makes a word longer than 100 characters one [UNK], but not one of exactly 100', () => {
    expect(uncased.encode('x'.repeat(101)).tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    const hundred = uncased.encode('x'.repeat(100)).tokens;
    // Only "x" and "##x" match, so 100 characters give 100 pieces.
    expect(hundred.length).toBe(102);
    expect(hundred.slice(1, 3)).toEqual(['x', '##x']);
  });

  it('drops control characters, treats tabs/newlines as spaces, and strips decomposed accents', () => {
    // U+200B (format char) is removed and absorbed into "a": "ab" spans [0, 3).
    expect(uncased.encode('a\u200bb').offsets[1]).toEqual([0, 3]);
    expect(uncased.encode('a\u200bb').tokens[1]).toBe('ab');
    expect(uncased.encode('the\tman\r\nsaid').tokens).toEqual(['[CLS]', 'the', 'man', 'said', '[SEP]']);
    // "cafe" + combining acute: the mark vanishes, "##e" keeps only the e: [3, 4).
    const e = uncased.encode('cafe\u0301');
    expect(e.tokens).toEqual(['[CLS]', 'ca', '##f', '##e', '[SEP]']);
    expect(e.offsets[3]).toEqual([3, 4]);
  });

  it('counts offsets in UTF-16 units after astral characters', () => {
    // 🙂 is two UTF-16 units: "then" starts at index 3, not 2.
    const e = uncased.encode('🙂 then');
    expect(e.offsets[2]).toEqual([3, 7]);
  });

  it('cased: no lowercasing, so capitalised words miss this lowercase vocabulary', () => {
    expect(cased.encode('The man').tokens).toEqual(['[CLS]', '[UNK]', 'man', '[SEP]']);
    // Accents are kept when not lowercasing: "é" is not in the vocabulary.
    expect(cased.encode('café').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });

  it('truncates to maxLength keeping [CLS] and [SEP]', () => {
    const e = uncased.encode('the man said that the world was big', { maxLength: 5 });
    expect(e.tokens).toEqual(['[CLS]', 'the', 'man', 'said', '[SEP]']);
  });

  it('reads special tokens written in the text as single tokens, on the raw (not lowercased) text', () => {
    const text = 'a[MASK]b [sep]';
    const e = uncased.encode(text);
    // [MASK] is matched before normalization; "[sep]" is not a special token: [ sep ].
    expect(e.tokens).toEqual(['[CLS]', 'a', '[MASK]', 'b', '[', 'sep', ']', '[SEP]']);
    expect(e.offsets.slice(1, 4)).toEqual([[0, 1], [1, 7], [7, 8]]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, 4, 5, null]);
  });

  it('decodes ids back to text, joining ## pieces', () => {
    expect(uncased.decode(uncased.encode('Hello, world').ids)).toBe('hello , world');
  });
});

describe('WordPiece equals Hugging Face tokenizers (Rust) on awkward text', () => {
  const texts = [
    'Héllo, wörld! the Wood', '日本 €uro 🙂 then', 'İstanbul straße', 'cafe\u0301 au lait', 'a\u200bb\tc\r\nd\u0000e',
    'x'.repeat(101), "don't stop-believing $5.00 (yes)", 'ΟΔΟΣ Σίσυφος', '  leading and trailing  ', '', 'naïve coöperation résumé',
    '\u00a0nbsp\u2028line\u3000ideo', 'ﬁne ligature', 'Ⅻ roman ½', 'e-mail: a.b@c.org #tag 100%',
    'hello [SEP] world [MASK]x', 'a[MASK]b [sep]', '[UNK]',
  ];
  for (const lowercase of [true, false]) {
    it(`lowercase=${lowercase}`, async () => {
      const ours = lowercase ? uncased : cased;
      const hf = bertOracle(VOCAB, lowercase);
      for (const text of texts) {
        const a = ours.encode(text);
        const b = await hf.encode(text);
        expect({ text, tokens: a.tokens, ids: a.ids, offsets: a.offsets, words: a.wordIds }).toEqual({
          text,
          tokens: b.getTokens(),
          ids: b.getIds(),
          offsets: toUtf16(text, b.getOffsets()),
          words: b.getWordIds().map((w) => w ?? null),
        });
      }
    });
  }
});
