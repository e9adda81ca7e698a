// Seeded random text through our tokenizers and Hugging Face's Rust ones: every id, offset and
// word id must agree. The character pool mixes what breaks tokenizers: accents (composed and
// combining), CJK, emoji (astral), control and format characters, odd whitespace, Greek and
// Turkish case, symbols vs punctuation, and special-token strings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createByteLevelBpeTokenizer, createWordPieceTokenizer, parseVocabTxt } from '../../main/text/index.ts';
import { MERGES, bpeVocab } from './bpe-fixture.ts';
import { bertOracle, robertaOracle, toUtf16 } from './oracle.ts';
import { BERT_VOCAB_TXT } from './shared-paths.ts';

const POOL = [
  'the', 'man', 'said', 'world', 'Hello', 'café', 'e\u0301', 'Ü', 'ß', 'İ', 'Σ', 'ς', '日', '本', '🙂', '👍🏽', '\u200b', '\u0000',
  '\ufffd', '\u0007', ' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', ',', '.', "'s", '-', '$', '€', '½', '²', '"', '(',
  '[SEP]', '<mask>', '[sep]', 'x'.repeat(30), '123', '٣', 'ﬁ', 'Ⅻ',
];

/** Mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function texts(seed: number, n: number): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(r() * 12) }, () => POOL[Math.floor(r() * POOL.length)]).join(''));
}

describe('random text agrees with Hugging Face tokenizers', () => {
  const vocab = parseVocabTxt(readFileSync(BERT_VOCAB_TXT, 'utf8'));
  for (const lowercase of [true, false]) {
    it(`WordPiece, lowercase=${lowercase}`, async () => {
      const ours = createWordPieceTokenizer({ vocab, lowercase });
      const hf = bertOracle(vocab, lowercase);
      for (const text of texts(lowercase ? 1 : 2, 300)) {
        const a = ours.encode(text);
        const b = await hf.encode(text);
        expect({ text, ids: a.ids, offsets: a.offsets, words: a.wordIds }).toEqual({ text, ids: b.getIds(), offsets: toUtf16(text, b.getOffsets()), words: b.getWordIds().map((w) => w ?? null) });
      }
    });
  }

  it('byte-level BPE', async () => {
    const v = bpeVocab();
    const ours = createByteLevelBpeTokenizer({ vocab: v, merges: MERGES });
    const hf = robertaOracle(v, MERGES);
    for (const text of texts(3, 300)) {
      const a = ours.encode(text);
      const b = await hf.encode(text);
      expect({ text, ids: a.ids, offsets: a.offsets }).toEqual({ text, ids: b.getIds(), offsets: toUtf16(text, b.getOffsets()) });
    }
  });
});
