import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type tk from 'tokenizers';
import { createWordPieceTokenizer, parseVocabTxt } from '../../main/text/index.ts';
import { BERT_VOCAB_TXT } from './shared-paths.ts';
import { bertOracle } from './oracle.ts';

const VOCAB = parseVocabTxt(readFileSync(BERT_VOCAB_TXT, 'utf8'));
const tok = createWordPieceTokenizer({ vocab: VOCAB, lowercase: true });

const Q = 'Who is the man?'; // who is the man ?  → 5 tokens
// 19 tokens, one per word (all in the vocabulary).
const C = 'the wood house of the people many years ago said that the world was big and small at once';

describe('pairs', () => {
  it('[CLS] q [SEP] c [SEP] with token types 0…0 1…1, sequence ids, offsets per sequence', () => {
    const e = tok.encodePair('Who is', 'the man');
    expect(e.tokens).toEqual(['[CLS]', 'who', 'is', '[SEP]', 'the', 'man', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(e.sequenceIds).toEqual([null, 0, 0, null, 1, 1, null]);
    // Offsets of the second sequence index into the second string.
    expect(e.offsets).toEqual([[0, 0], [0, 3], [4, 6], [0, 0], [0, 3], [4, 7], [0, 0]]);
    expect(e.wordIds).toEqual([null, 0, 1, null, 0, 1, null]);
  });

  it('longest_first truncation: the longer sequence loses tokens first', () => {
    // room = 12 - 3 = 9; question 5 fits in half? no (5 > 4.5) but 5 + 14 > 9 with the shorter
    // keeping max(5, 9-5)=... Hugging Face: n1=min=5 ≤ 9 → n2 = max(5, 4) = 5 → 10 > 9 → both
    // halve: shorter gets floor(9/2)=4, longer 4+1=5.
    const e = tok.encodePair(Q, C, { maxLength: 12 });
    expect(e.tokens).toEqual(['[CLS]', 'who', 'is', 'the', 'man', '[SEP]', 'the', 'wood', 'house', 'of', 'the', '[SEP]']);
    // room 17: shorter (5) keeps all, longer gets 12.
    expect(tok.encodePair(Q, C, { maxLength: 20 }).tokens.length).toBe(20);
    expect(tok.encodePair(Q, C, { maxLength: 20 }).sequenceIds.filter((s) => s === 0).length).toBe(5);
  });

  it('only_second truncation keeps the whole question', () => {
    const e = tok.encodePair(Q, C, { maxLength: 12, truncation: 'only_second' });
    expect(e.tokens.slice(6)).toEqual(['[SEP]', 'the', 'wood', 'house', 'of', '[SEP]']);
  });

  it('agrees with Hugging Face LongestFirst at several lengths (both orders)', async () => {
    const hf = bertOracle(VOCAB, true);
    for (const L of [8, 12, 16, 20, 40]) {
      hf.setTruncation(L, { strategy: 'LongestFirst' as tk.TruncationStrategy });
      for (const [a, b] of [[Q, C], [C, Q]]) {
        expect(tok.encodePair(a, b, { maxLength: L }).ids).toEqual((await hf.encode(a, b)).getIds());
      }
    }
  });
});

describe('QA windows (only_second, overflowing, stride)', () => {
  it('cuts the context into windows that overlap by `stride` tokens and cover it all', () => {
    // maxLength 16: room for context = 16 - 3 - 5 = 8; step = 8 - 2 = 6 → context token ranges
    // [0,8) [6,14) [12,19).
    const ws = tok.encodeWindows(Q, C, { maxLength: 16, stride: 2 });
    const ctx = ws.map((w) => w.tokens.filter((_, i) => w.sequenceIds[i] === 1).join(' '));
    expect(ctx).toEqual([
      'the wood house of the people many years',
      'many years ago said that the world was',
      'world was big and small at once',
    ]);
    for (const w of ws) {
      expect(w.tokens.slice(0, 7)).toEqual(['[CLS]', 'who', 'is', 'the', 'man', '?', '[SEP]']);
      expect(w.ids.length).toBeLessThanOrEqual(16);
    }
    // Offsets stay in context coordinates in every window: "once" is C's last 4 characters.
    const last = ws[2];
    expect(last.offsets[last.offsets.length - 2]).toEqual([C.length - 4, C.length]);
  });

  // Only the first window: tokenizers 0.23.2 under-covers the overflow (huggingface/tokenizers
  // #2091; it returns 'world was big and' as the last window and drops 'small at once').
  it('the first window equals Hugging Face truncation=only_second', async () => {
    const hf = bertOracle(VOCAB, true);
    hf.setTruncation(16, { strategy: 'OnlySecond' as tk.TruncationStrategy, stride: 2 });
    const h = await hf.encode(Q, C);
    expect(tok.encodeWindows(Q, C, { maxLength: 16, stride: 2 })[0].ids).toEqual(h.getIds());
  });

  it('gives one window when the context fits, and defaults to 384/128', () => {
    expect(tok.encodeWindows(Q, C).length).toBe(1);
    expect(tok.encodeWindows(Q, C, { maxLength: 40 }).length).toBe(1);
  });

  it('shortens an over-long question instead of failing', () => {
    // budget 12 - 3 = 9 ≤ question 19 tokens: question cut to floor(9/2) = 4, context room 5.
    const ws = tok.encodeWindows(C, Q, { maxLength: 12, stride: 2 });
    expect(ws[0].sequenceIds.filter((s) => s === 0).length).toBe(4);
    expect(ws.every((w) => w.ids.length <= 12)).toBe(true);
    expect(ws.flatMap((w) => w.tokens.filter((_, i) => w.sequenceIds[i] === 1))).toContain('?');
  });
});

describe('pre-split words (NER)', () => {
  it('tokenizes each word alone; word ids index the input words; offsets into words.join(" ")', () => {
    const words = ["don't", 'Stop', 'Héllo'];
    const e = tok.encodeWords(words);
    // "don't" pre-tokenizes into don ' t, all word 0; "stop" → st ##o ##p; "héllo" → he ##l ##l ##o.
    expect(e.tokens).toEqual(['[CLS]', 'don', "'", 't', 'st', '##o', '##p', 'he', '##l', '##l', '##o', '[SEP]']);
    expect(e.wordIds).toEqual([null, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, null]);
    const joined = words.join(' ');
    expect(e.offsets.slice(1, -1).map(([s, t]) => joined.slice(s, t))).toEqual(['don', "'", 't', 'St', 'o', 'p', 'Hé', 'l', 'l', 'o']);
  });

  it('gives an empty word no tokens and truncates to maxLength', () => {
    expect(tok.encodeWords(['the', '', 'man']).wordIds).toEqual([null, 0, 2, null]);
    expect(tok.encodeWords(['the', 'man', 'said'], { maxLength: 4 }).tokens).toEqual(['[CLS]', 'the', 'man', '[SEP]']);
  });
});
