import { describe, expect, it } from 'vitest';
import { classificationScores, rocAuc } from '../../main/tasks/index.ts';

describe('classificationScores (single-label), hand-computed', () => {
  // gold: a a b c c c ; pred: a b b c a c
  // a: tp 1 (#0), fp 1 (#4), fn 1 (#1) → P 1/2, R 1/2, F1 1/2, support 2
  // b: tp 1 (#2), fp 1 (#1), fn 0     → P 1/2, R 1,   F1 2·½·1/(3/2) = 2/3, support 1
  // c: tp 2 (#3 #5), fp 0, fn 1 (#4) → P 1,   R 2/3, F1 2·(2/3)/(5/3) = 4/5, support 3
  const gold = ['a', 'a', 'b', 'c', 'c', 'c'].map((l) => [l]);
  const pred = ['a', 'b', 'b', 'c', 'a', 'c'].map((l) => [l]);
  const { metrics: m, details } = classificationScores(gold, pred);

  it('accuracy and per-class scores', () => {
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(details.perClass).toEqual([
      { label: 'a', precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      { label: 'b', precision: 0.5, recall: 1, f1: expect.closeTo(2 / 3, 12), support: 1 },
      { label: 'c', precision: 1, recall: expect.closeTo(2 / 3, 12), f1: expect.closeTo(0.8, 12), support: 3 },
    ]);
  });

  it('macro, micro and weighted averages', () => {
    expect(m.macro_precision).toBeCloseTo((0.5 + 0.5 + 1) / 3, 12); // 0.6667
    expect(m.macro_recall).toBeCloseTo((0.5 + 1 + 2 / 3) / 3, 12); // 0.7222
    expect(m.macro_f1).toBeCloseTo((0.5 + 2 / 3 + 0.8) / 3, 12); // 0.6556
    // micro pools counts: tp 4, fp 2, fn 2 → P = R = F1 = 4/6 (= accuracy for single-label)
    expect(m.micro_precision).toBeCloseTo(4 / 6, 12);
    expect(m.micro_recall).toBeCloseTo(4 / 6, 12);
    expect(m.micro_f1).toBeCloseTo(4 / 6, 12);
    // weighted by support 2, 1, 3 (total 6)
    expect(m.weighted_precision).toBeCloseTo((0.5 * 2 + 0.5 * 1 + 1 * 3) / 6, 12); // 0.75
    expect(m.weighted_recall).toBeCloseTo((0.5 * 2 + 1 * 1 + (2 / 3) * 3) / 6, 12); // 0.6667
    expect(m.weighted_f1).toBeCloseTo((0.5 * 2 + (2 / 3) * 1 + 0.8 * 3) / 6, 12); // 0.6778
  });

  it('confusion matrix: rows gold, columns predicted', () => {
    expect(details.confusion).toEqual({
      labels: ['a', 'b', 'c'],
      matrix: [
        [1, 1, 0],
        [0, 1, 0],
        [1, 0, 2],
      ],
    });
  });

  it('a class never predicted and never gold is left out of the averages; one only predicted counts as 0', () => {
    // gold: a b ; pred: a z → a: P1 R1 F1 1; b: P0 (no preds) R0 F1 0; z: P0 R0 F1 0 (support 0)
    const r = classificationScores([['a'], ['b']], [['a'], ['z']]);
    expect(r.details.perClass.map((c) => c.label)).toEqual(['a', 'b', 'z']);
    expect(r.metrics.macro_f1).toBeCloseTo(1 / 3, 12);
    // weighted ignores z (support 0): (1·1 + 0·1) / 2
    expect(r.metrics.weighted_f1).toBeCloseTo(0.5, 12);
  });
});

describe('classificationScores (multi-label), hand-computed', () => {
  it('subset accuracy and label-wise averages', () => {
    // gold: {x,y} {y} {} ; pred: {x} {y,z} {}
    // x: tp1 fp0 fn0 → 1,1,1 (support 1); y: tp1 fn1 → P1 R½ F1 2/3 (support 2); z: fp1 → 0,0,0
    const { metrics: m, details } = classificationScores([['x', 'y'], ['y'], []], [['x'], ['y', 'z'], []]);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12); // only the empty example matches exactly
    expect(m.macro_f1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    // micro: tp 2, fp 1, fn 1 → P = R = F1 = 2/3
    expect(m.micro_f1).toBeCloseTo(2 / 3, 12);
    expect(details.confusion).toBeUndefined();
  });
});

describe('rocAuc', () => {
  it('counts positive-above-negative pairs, ties as half', () => {
    // positives 0.8, 0.4; negatives 0.4, 0.2. Pairs: (.8>.4) 1, (.8>.2) 1, (.4=.4) ½, (.4>.2) 1 → 3.5/4
    expect(rocAuc([true, false, true, false], [0.8, 0.4, 0.4, 0.2])).toBeCloseTo(0.875, 12);
    expect(rocAuc([true, false], [0.1, 0.9])).toBe(0);
    expect(rocAuc([true, true], [0.1, 0.9])).toBeNull();
  });
});
