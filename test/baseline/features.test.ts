// TF-IDF features and the linear SVM, checked against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { trainBinarySvm } from '../../main/baseline/linear-svm.ts';
import { rowNormsSquared, type Csr } from '../../main/baseline/sparse.ts';
import { charStreamOf, paddedWordsOf, wordsOf } from '../../main/baseline/text-units.ts';
import { fitTfIdfMatrix, tfidfTransformer } from '../../main/baseline/tfidf.ts';

const WORDS_ONLY = { wordNgrams: [1, 1] as [number, number], charNgrams: [1, 0] as [number, number], minDf: 1 };

describe('text units', () => {
  it('words drop punctuation and lowercase; character units keep it inside space-padded words', () => {
    expect(wordsOf("My card, isn't HERE!")).toEqual(['my', 'card', 'isn', 't', 'here']);
    expect(paddedWordsOf(' Card?  now ')).toEqual([' card? ', ' now ']);
    expect(String.fromCodePoint(...charStreamOf('Ab 😀'))).toBe(' ab  😀 ');
    expect(charStreamOf('😀')).toEqual([32, 0x1f600, 32]);
  });
});

describe('TF-IDF', () => {
  it('weights 1 + ln(tf) by smoothed idf and L2-normalizes each row (hand-computed)', () => {
    const { model, x } = fitTfIdfMatrix(['cat cat dog', 'dog'], WORDS_ONLY);
    expect(model.words.grams).toEqual(['cat', 'dog']);
    // idf = ln((1 + n) / (1 + df)) + 1 with n = 2: cat (df 1) 1.405465, dog (df 2) 1.
    expect(Array.from(model.words.idf)).toEqual([expect.closeTo(1.4054651, 6), 1]);
    // Row 0: cat (1 + ln 2) · 1.405465 = 2.379660, dog 1; norm 2.581237.
    expect(Array.from(x.rowStart)).toEqual([0, 2, 3]);
    expect(Array.from(x.val.subarray(0, 2))).toEqual([expect.closeTo(0.9219070, 6), expect.closeTo(0.3874113, 6)]);
    expect(x.val[2]).toBe(1);
    // The transformer of unseen text gives the same numbers, and nothing for unknown words.
    const again = tfidfTransformer(model)(['dog cat cat', 'bird']);
    expect(Array.from(again.val)).toEqual(Array.from(x.val.subarray(0, 2)));
    expect(Array.from(again.rowStart)).toEqual([0, 2, 2]);
  });

  it('counts word bigrams and in-word character n-grams, and drops n-grams below min_df', () => {
    const { model } = fitTfIdfMatrix(['ab cd', 'ab cd', 'ab'], { wordNgrams: [1, 2], charNgrams: [2, 5], minDf: 2 });
    expect(model.words.grams).toEqual(['ab', 'cd', 'ab cd']);
    expect(model.words.sizes).toEqual([1, 1, 2]);
    // " ab " gives " a", "ab", "b ", " ab", "ab ", " ab "; " cd " the same six; nothing crosses words.
    expect(model.chars.grams).toEqual([' a', 'ab', 'b ', ' c', 'cd', 'd ', ' ab', 'ab ', ' cd', 'cd ', ' ab ', ' cd ']);
    expect(model.chars.grams.some((g) => g.includes('  '))).toBe(false);
  });
});

describe('linear SVM (squared hinge, dual coordinate descent)', () => {
  // Two rows of one column: x = +1 and x = −1.
  const x: Csr = { rows: 2, cols: 1, rowStart: Int32Array.from([0, 1, 2]), col: Int32Array.from([0, 0]), val: Float64Array.from([1, -1]) };
  const y = Int8Array.from([1, -1]);

  it('finds the primal optimum: w = 0.8, b = 0 for x = ±1 with C = 1', () => {
    // min ½(w² + b²) + (1 − w − b)² + (1 − w + b)²  →  b = 0, w − 4(1 − w) = 0, w = 4/5.
    const svm = trainBinarySvm(x, y, rowNormsSquared(x), { cost: Float64Array.from([1, 1]), tolerance: 1e-9 });
    expect(svm.w[0]).toBeCloseTo(0.8, 6);
    expect(svm.bias).toBeCloseTo(0, 6);
  });

  it('weights examples by their cost: C+ = 2, C− = 1 gives w = 38/45, b = 2/45', () => {
    // ∂w: 7w + 2b − 6 = 0 and ∂b: 2w + 7b − 2 = 0 (both points inside the margin).
    const svm = trainBinarySvm(x, y, rowNormsSquared(x), { cost: Float64Array.from([2, 1]), tolerance: 1e-9 });
    expect(svm.w[0]).toBeCloseTo(38 / 45, 6);
    expect(svm.bias).toBeCloseTo(2 / 45, 6);
  });
});
