import { describe, expect, it } from 'vitest';
import { exactMatch, maxOverGold, normalizeAnswer, tokenF1 } from '../../main/tasks/index.ts';

describe('SQuAD answer normalization', () => {
  it('lowercases, strips ASCII punctuation, removes articles, collapses whitespace', () => {
    // "the  quick, brown-fox!" → "the  quick brownfox" → "   quick brownfox" → "quick brownfox"
    expect(normalizeAnswer('The  Quick, brown-fox!')).toBe('quick brownfox');
    expect(normalizeAnswer('An apple a day')).toBe('apple day');
    expect(normalizeAnswer(' \tthe\n')).toBe('');
  });

  it('removes articles only as whole words, Unicode-aware', () => {
    expect(normalizeAnswer('theater Anna')).toBe('theater anna');
    expect(normalizeAnswer('the café')).toBe('café');
    expect(normalizeAnswer('thé a')).toBe('thé'); // "thé" is not "the"; "a" is
  });

  it('keeps non-ASCII punctuation, as the official script does', () => {
    expect(normalizeAnswer('«Paris»')).toBe('«paris»');
  });
});

describe('exact match and F1', () => {
  it('exact match after normalization', () => {
    expect(exactMatch('the Eiffel Tower', 'Eiffel tower.')).toBe(1);
    expect(exactMatch('Eiffel', 'Eiffel tower')).toBe(0);
  });

  it('token F1 with counts', () => {
    // pred [big, red, dog] vs gold [red, dog, barked]: 2 shared → P = R = 2/3 → F1 = 2/3
    expect(tokenF1('the big red dog', 'red dog barked')).toBeCloseTo(2 / 3, 12);
    // pred [x, x, y] vs gold [x, y, y]: shared x once, y once → 2/3
    expect(tokenF1('x x y', 'x y y')).toBeCloseTo(2 / 3, 12);
    // pred [paris] vs gold [in, paris]: P 1, R 1/2 → F1 2/3
    expect(tokenF1('Paris', 'in Paris')).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('London', 'Paris')).toBe(0);
  });

  it('no-answer: empty prediction scores 1 only against an empty gold', () => {
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('', 'Paris')).toBe(0);
    expect(tokenF1('Paris', '')).toBe(0);
  });

  it('max over gold answers; no gold (or only golds that normalize away) means unanswerable', () => {
    expect(maxOverGold('Paris', ['in Paris', 'Paris'], tokenF1)).toBe(1);
    expect(maxOverGold('Paris', ['in Paris', 'Paris France'], tokenF1)).toBeCloseTo(2 / 3, 12);
    expect(maxOverGold('', [], exactMatch)).toBe(1);
    expect(maxOverGold('Paris', [], exactMatch)).toBe(0);
    expect(maxOverGold('', ['the', '.'], exactMatch)).toBe(1);
  });
});
