import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer, trainWordPieceVocab, writeVocab } from '../../main/text/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bs-vocab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const TEXTS = ['low low low lower', 'Newest newest'];

describe('trainWordPieceVocab', () => {
  it('specials, alphabet, then merges by pair frequency with ties broken on the pair string', () => {
    // Words: low×3 = l ##o ##w, lower×1 = l ##o ##w ##e ##r, newest×2 = n ##e ##w ##e ##s ##t.
    // Pair counts: (l,##o)=4 (##o,##w)=4 (##w,##e)=3 (n,##e)=2 (##e,##w)=2 (##e,##s)=2 (##s,##t)=2 (##e,##r)=1.
    // 1. tie at 4: "##o ##w" sorts before "l ##o" → ##ow.   2. (l,##ow)=4 → low.
    // 3. ties at 2: "##e ##s" first → ##es.  4. "##e ##w" → ##ew.  5. "##es ##t" → ##est.
    // 6. "##ew ##est" → ##ewest.  7. (n,##ewest) → newest.  Then every pair has count 1 < 2: stop.
    const v = trainWordPieceVocab(TEXTS, { vocabSize: 100, lowercase: true, minFrequency: 2 });
    expect(v).toEqual([...SPECIALS, 'l', 'n', '##e', '##o', '##r', '##s', '##t', '##w', '##ow', 'low', '##es', '##ew', '##est', '##ewest', 'newest']);
  });

  it('stops at vocabSize, keeps the whole alphabet, and is deterministic', () => {
    const v = trainWordPieceVocab(TEXTS, { vocabSize: 16, lowercase: true, minFrequency: 2 });
    expect(v.slice(13)).toEqual(['##ow', 'low', '##es']);
    expect(trainWordPieceVocab(TEXTS, { vocabSize: 5, lowercase: true }).length).toBe(13);
    expect(trainWordPieceVocab(TEXTS, { vocabSize: 16, lowercase: true, minFrequency: 2 })).toEqual(v);
  });

  it('cased training keeps capitals as separate characters', () => {
    const v = trainWordPieceVocab(TEXTS, { vocabSize: 100, lowercase: false, minFrequency: 2 });
    expect(v).toContain('N');
    expect(v).not.toContain('newest'); // "Newest" and "newest" are now different words (1 each)
  });

  it('writeVocab gives a folder loadTokenizer reads, tokenizing with the trained pieces', async () => {
    const v = trainWordPieceVocab(TEXTS, { vocabSize: 100, lowercase: true, minFrequency: 2 });
    await writeVocab(tmp, v, { lowercase: true });
    expect(readFileSync(join(tmp, 'vocab.txt'), 'utf8').split('\n')[0]).toBe('[PAD]');
    expect(JSON.parse(readFileSync(join(tmp, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ do_lower_case: true, tokenizer_class: 'BertTokenizer' });
    const t = await loadTokenizer(tmp);
    expect(t.encode('Lowest NEWEST lower').tokens).toEqual(['[CLS]', 'low', '##est', 'newest', 'low', '##e', '##r', '[SEP]']);
    expect(t.special.pad.id).toBe(0);
    expect(t.special.mask.id).toBe(4);
  });
});
