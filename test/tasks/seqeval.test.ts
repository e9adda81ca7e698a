import { describe, expect, it } from 'vitest';
import { entities, seqevalScores } from '../../main/tasks/index.ts';

describe('entities: the two seqeval modes', () => {
  it('an entity at the end of the sentence is closed', () => {
    expect(entities(['O', 'B-LOC', 'I-LOC'], 'default')).toEqual([{ type: 'LOC', start: 1, end: 3 }]);
    expect(entities(['O', 'B-LOC', 'I-LOC'], 'strict')).toEqual([{ type: 'LOC', start: 1, end: 3 }]);
  });

  it('I- after O starts an entity in default mode and is dropped in strict mode', () => {
    expect(entities(['O', 'I-PER', 'I-PER', 'O'], 'default')).toEqual([{ type: 'PER', start: 1, end: 3 }]);
    expect(entities(['O', 'I-PER', 'I-PER', 'O'], 'strict')).toEqual([]);
    expect(entities(['I-PER'], 'default')).toEqual([{ type: 'PER', start: 0, end: 1 }]);
  });

  it('a type change mid-entity splits it (default) or ends it (strict)', () => {
    expect(entities(['B-ORG', 'I-ORG', 'I-PER'], 'default')).toEqual([
      { type: 'ORG', start: 0, end: 2 },
      { type: 'PER', start: 2, end: 3 },
    ]);
    expect(entities(['B-ORG', 'I-ORG', 'I-PER'], 'strict')).toEqual([{ type: 'ORG', start: 0, end: 2 }]);
  });

  it('B- after B- of the same type starts a new entity', () => {
    const expected = [
      { type: 'PER', start: 0, end: 1 },
      { type: 'PER', start: 1, end: 3 },
    ];
    expect(entities(['B-PER', 'B-PER', 'I-PER'], 'default')).toEqual(expected);
    expect(entities(['B-PER', 'B-PER', 'I-PER'], 'strict')).toEqual(expected);
  });

  it('types may contain dashes and underscores (snips slot names)', () => {
    expect(entities(['B-object_type', 'I-object_type', 'B-x-y'], 'default')).toEqual([
      { type: 'object_type', start: 0, end: 2 },
      { type: 'x-y', start: 2, end: 3 },
    ]);
  });
});

describe('seqevalScores, hand-computed', () => {
  const gold = [
    ['B-PER', 'I-PER', 'O', 'B-LOC'], //   PER(0,2) LOC(3,4) — entity at the sentence end
    ['B-ORG', 'I-ORG', 'I-ORG', 'O'], //   ORG(0,3)
    ['O', 'B-MISC', 'O', 'O'], //          MISC(1,2)
    ['I-PER', 'I-PER', 'O', 'O'], //       default: PER(0,2); strict: nothing (no B-)
  ];
  const pred = [
    ['B-PER', 'I-PER', 'O', 'I-LOC'], //   default: PER, LOC(3,4) (I after O); strict: PER only
    ['B-ORG', 'I-ORG', 'I-PER', 'O'], //   default: ORG(0,2) PER(2,3); strict: ORG(0,2)
    ['O', 'B-MISC', 'I-MISC', 'O'], //     MISC(1,3): wrong boundary
    ['B-PER', 'I-PER', 'O', 'O'], //       PER(0,2)
  ];

  it('default mode', () => {
    // gold 5 entities, predicted 6, correct 3 (S1 PER, S1 LOC, S4 PER)
    // P = 3/6 = 0.5, R = 3/5 = 0.6, F1 = 2·0.5·0.6/1.1 = 0.54545…
    const s = seqevalScores(gold, pred, 'default');
    expect(s.precision).toBeCloseTo(0.5, 12);
    expect(s.recall).toBeCloseTo(0.6, 12);
    expect(s.f1).toBeCloseTo(0.6 / 1.1, 12);
    // PER: gold 2, pred 3 (S1, S2, S4), correct 2 → P 2/3, R 1, F1 0.8
    // LOC: 1/1/1 → 1; ORG: 1 gold, 1 pred, 0 correct → 0; MISC: 0
    expect(s.perType).toEqual([
      { label: 'LOC', precision: 1, recall: 1, f1: 1, support: 1 },
      { label: 'MISC', precision: 0, recall: 0, f1: 0, support: 1 },
      { label: 'ORG', precision: 0, recall: 0, f1: 0, support: 1 },
      { label: 'PER', precision: expect.closeTo(2 / 3, 12), recall: 1, f1: expect.closeTo(0.8, 12), support: 2 },
    ]);
  });

  it('strict mode', () => {
    // gold 4 (S4's lone I- is no entity), predicted 4, correct 1 (S1 PER) → P = R = F1 = 0.25
    const s = seqevalScores(gold, pred, 'strict');
    expect(s.precision).toBeCloseTo(0.25, 12);
    expect(s.recall).toBeCloseTo(0.25, 12);
    expect(s.f1).toBeCloseTo(0.25, 12);
  });

  it('token accuracy counts equal tags: 16 tags, 4 differ → 0.75', () => {
    expect(seqevalScores(gold, pred, 'default').accuracy).toBeCloseTo(0.75, 12);
  });

  it('no entities anywhere gives 0, not NaN', () => {
    const s = seqevalScores([['O']], [['O']], 'default');
    expect([s.precision, s.recall, s.f1, s.accuracy]).toEqual([0, 0, 0, 1]);
  });

  it('refuses sentences of different lengths', () => {
    expect(() => seqevalScores([['O', 'O']], [['O']], 'default')).toThrow(/2 gold tags but 1/);
  });
});
