// Head+tail truncation: which tokens a long text keeps, and when it is the default.
import { describe, expect, it } from 'vitest';
import { classificationTask } from '../../main/tasks/classification.ts';
import { defaultTruncation, encodeHeadTail } from '../../main/tasks/head-tail.ts';
import { tokenizer } from '../tasks/helpers.ts';

// Twenty one-letter words (one WordPiece each): token i + 1 of the encoding is word i.
const WORDS = 'abcdefghijklmnopqrst'.split('');
const text = WORDS.join(' ');

describe('head+tail truncation', () => {
  it('keeps [CLS], the first quarter and the last three quarters of the room, and [SEP]', () => {
    // max 10 → room 8 → head 2, tail 6.
    const e = encodeHeadTail(tokenizer, text, 10);
    expect(e.tokens).toEqual(['[CLS]', 'a', 'b', 'o', 'p', 'q', 'r', 's', 't', '[SEP]']);
    expect(e.ids).toHaveLength(10);
    // Word ids and offsets still point into the original text.
    expect(e.wordIds).toEqual([null, 0, 1, 14, 15, 16, 17, 18, 19, null]);
    expect(text.slice(...e.offsets[3])).toBe('o');
  });

  it('leaves a text that fits unchanged, and the classification features use it when asked', () => {
    expect(encodeHeadTail(tokenizer, 'a b', 10).tokens).toEqual(['[CLS]', 'a', 'b', '[SEP]']);
    const labels = { names: ['a'] };
    const [cut] = classificationTask.features([{ text, labels: ['a'] }], tokenizer, { maxLength: 6, labels });
    const [ht] = classificationTask.features([{ text, labels: ['a'] }], tokenizer, { maxLength: 6, labels, truncation: 'head-tail' });
    expect(tokenizer.decode(cut.inputIds)).toBe('a b c d');
    // room 4 → head 1, tail 3.
    expect(tokenizer.decode(ht.inputIds)).toBe('a r s t');
  });

  it('is the default only when more than half the training texts are over the max length', () => {
    expect(defaultTruncation(tokenizer, [text, text, 'a'], 10)).toBe('head-tail');
    expect(defaultTruncation(tokenizer, [text, 'a', 'b'], 10)).toBe('head');
  });
});
