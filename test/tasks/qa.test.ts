import { describe, expect, it } from 'vitest';
import { qaTask as task, type QaExample } from '../../main/tasks/index.ts';
import { batchOf, tokenizer } from './helpers.ts';

const Q = 'who is the man?'; // 5 tokens
// 19 tokens, one per word: the0 wood1 house2 of3 the4 people5 many6 years7 ago8 said9 that10
// the11 world12 was13 big14 and15 small16 at17 once18
const C = 'the wood house of the people many years ago said that the world was big and small at once';
const at = (s: string) => ({ text: s, start: C.indexOf(s) });

describe('qa: features', () => {
  // maxLength 16, stride 2: 7 tokens ([CLS] q [SEP]) before the context, room 8 → context
  // windows [0,8) [6,14) [12,19); context token k of a window starting at w sits at 7 + k - w.
  const opts = { labels: { names: [] }, maxLength: 16, stride: 2 };

  it('maps the answer to tokens in every window that holds it whole, else to [CLS] (0)', () => {
    // "world was" = tokens 12–13: window 1 lacks it; window 2 holds it at its very end
    // (7+12-6 = 13, 14); window 3 at its start (7, 8).
    const f = task.features([{ id: 'q1', context: C, question: Q, answers: [at('world was')] }], tokenizer, opts);
    expect(f.map((x) => [x.startPosition, x.endPosition])).toEqual([[0, 0], [13, 14], [7, 8]]);
    expect(f.every((x) => x.example === 0)).toBe(true);
  });

  it('an answer cut by a window edge belongs only to the window holding all of it', () => {
    // "was big" = tokens 13–14: window 2 ends at 13 → [CLS]; window 3: 7+1 = 8, 9
    const f = task.features([{ id: 'q', context: C, question: Q, answers: [at('was big')] }], tokenizer, opts);
    expect(f.map((x) => [x.startPosition, x.endPosition])).toEqual([[0, 0], [0, 0], [8, 9]]);
  });

  it('unanswerable questions point at [CLS] everywhere; offsets are null outside the context', () => {
    const f = task.features([{ id: 'q', context: C, question: Q, answers: [] }], tokenizer, opts);
    expect(f.map((x) => [x.startPosition, x.endPosition])).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(f[0].offsets?.slice(0, 8)).toEqual([null, null, null, null, null, null, null, [0, 3]]);
  });

  it('maps through offsets of lowercased, accent-stripped text (same length)', () => {
    // "The CAFÉ is big" → the ca ##f ##e is big; "CAFÉ" = chars [4, 8) = tokens ca..##e
    const ctx = 'The CAFÉ is big';
    const [f] = task.features([{ id: 'c', context: ctx, question: 'what', answers: [{ text: 'CAFÉ', start: 4 }] }], tokenizer, { labels: { names: [] } });
    // [CLS] what [SEP] the ca ##f ##e is big [SEP] → ca = 4, ##e = 6
    expect([f.startPosition, f.endPosition]).toEqual([4, 6]);
    expect(task.headSpec({ names: [] })).toEqual({ kind: 'question-answering' });
  });

  it('an answer starting in the last context token of a window does not step onto [SEP]', () => {
    // "many" = token 6, window 1's... windows [0,8): "years" = token 7 is window 1's last context token (index 14)
    const f = task.features([{ id: 'q', context: C, question: Q, answers: [at('years')] }], tokenizer, opts);
    expect([f[0].startPosition, f[0].endPosition]).toEqual([14, 14]);
  });
});

describe('qa: decode', () => {
  const ex: QaExample[] = [{ id: 'q1', context: C, question: Q, answers: [at('world was')] }];
  const feats = task.features(ex, tokenizer, { labels: { names: [] }, maxLength: 16, stride: 2 });
  // Window lengths 16, 16, 15. Logits -10 except where set ([window, token, value]), so a
  // high start only wins together with a high end.
  const logits = (set: [number, number, number][]) => {
    const rows = feats.map((f) => new Array<number>(f.inputIds.length).fill(-10));
    for (const [w, t, v] of set) rows[w][t] = v;
    return rows;
  };
  /** Start and end logits for the windows `rows`, in one batch (dims [B, S] each). */
  const batch = (rows: number[], start: number[][], end: number[][]) => {
    const s = batchOf(rows, 'startLogits', rows.map((r) => start[r]), 1);
    const e = batchOf(rows, 'endLogits', rows.map((r) => end[r]), 1);
    return { rows, outputs: { ...s.outputs, ...e.outputs, dims: { ...s.outputs.dims, ...e.outputs.dims } } };
  };
  const decodeWith = (start: [number, number, number][], end: [number, number, number][], o = {}) =>
    task.decode(ex, feats, [batch([0, 1, 2], logits(start), logits(end))], { labels: { names: [] }, ...o })[0];

  it('takes the best valid span over all windows, skipping question tokens and end < start', () => {
    const p = decodeWith(
      // window 3 "world was" (7, 8) scores 6 + 6 = 12; window 2 "world was" (13, 14) 5 + 4;
      // a question token (window 1, index 2) scores 40 but is not in the context;
      // window 1 start 10 / end 9 would score 30 but ends before it starts (start 10 with any
      // later end: 15 - 10 = 5).
      [[2, 7, 6], [1, 13, 5], [0, 2, 20], [0, 10, 15]],
      [[2, 8, 6], [1, 14, 4], [0, 2, 20], [0, 9, 15]],
    );
    expect(p.answer).toBe('world was');
    expect([p.start, p.end]).toEqual([C.indexOf('world was'), C.indexOf('world was') + 9]);
    expect(p.score).toBe(12);
    expect(p.nBest.length).toBe(20);
    expect(p.nBest[0].score).toBe(12);
  });

  it('gives the same answer when windows arrive in other batches and orders', () => {
    const start = logits([[2, 7, 6], [1, 13, 5]]);
    const end = logits([[2, 8, 6], [1, 14, 4]]);
    const p = task.decode(ex, feats, [batch([2], start, end), batch([1, 0], start, end)], { labels: { names: [] } })[0];
    expect([p.answer, p.score]).toEqual(['world was', 12]);
  });

  it('limits answers to maxAnswerLength tokens', () => {
    // window 1 tokens 7..14 (8 tokens) score 28; with a limit of 3 the 2-token span (12) wins
    // (window 1's start 7 with an end within 3 tokens: 14 - 10 = 4)
    const start: [number, number, number][] = [[2, 7, 6], [0, 7, 14]];
    const end: [number, number, number][] = [[2, 8, 6], [0, 14, 14]];
    expect(decodeWith(start, end).answer).toBe('the wood house of the people many years');
    expect(decodeWith(start, end, { maxAnswerLength: 3 }).answer).toBe('world was');
  });

  it('SQuAD v2: no answer when the lowest [CLS] score beats the best span, only if the data has unanswerables', () => {
    // [CLS] scores per window: 15+15 = 30, 20+20 = 40, 16+16 = 32 → null score = min = 30 > 12
    const start: [number, number, number][] = [[2, 7, 6], [0, 0, 15], [1, 0, 20], [2, 0, 16]];
    const end: [number, number, number][] = [[2, 8, 6], [0, 0, 15], [1, 0, 20], [2, 0, 16]];
    const v2 = decodeWith(start, end, { labels: { names: [], noAnswer: true } });
    expect([v2.answer, v2.start, v2.nullScore]).toEqual(['', -1, 30]);
    expect(decodeWith(start, end).answer).toBe('world was');
    // a threshold above the difference (30 - 12 = 18) keeps the span
    expect(decodeWith(start, end, { labels: { names: [], noAnswer: true }, nullScoreDiffThreshold: 20 }).answer).toBe('world was');
  });
});

describe('qa: edge cases', () => {
  it('an empty context gives one window, no valid span and an empty answer', () => {
    const ex: QaExample[] = [{ id: 'e', context: '', question: Q, answers: [] }];
    const feats = task.features(ex, tokenizer, { labels: { names: [] } });
    expect(feats.length).toBe(1);
    expect(feats[0].offsets?.every((o) => o === null)).toBe(true);
    const n = feats[0].inputIds.length;
    const zeros = [new Array<number>(n).fill(0)];
    const s = batchOf([0], 'startLogits', zeros, 1);
    const e = batchOf([0], 'endLogits', zeros, 1);
    const [p] = task.decode(ex, feats, [{ rows: [0], outputs: { ...s.outputs, ...e.outputs, dims: { ...s.outputs.dims, ...e.outputs.dims } } }], { labels: { names: [] } });
    expect([p.answer, p.start, p.score, p.nBest]).toEqual(['', -1, null, []]);
  });
});

describe('qa: metrics', () => {
  it('exact match and F1 averaged over questions, split into answerable and not', () => {
    const gold: QaExample[] = [
      { id: 'a', context: '', question: '', answers: [{ text: 'the Eiffel Tower', start: 0 }] },
      { id: 'b', context: '', question: '', answers: [{ text: 'in Paris', start: 0 }, { text: 'Paris, France', start: 0 }] },
      { id: 'c', context: '', question: '', answers: [] },
    ];
    const pred = (answer: string) => ({ id: '', answer, start: 0, end: 0, score: 0, nullScore: 0, nBest: [] });
    // a: EM 1, F1 1. b: "Paris" vs [in, paris] F1 2/3, vs [paris, france] 2/3 → EM 0, F1 2/3.
    // c: predicted "Paris" for an unanswerable question → 0, 0.
    const r = task.metrics([pred('Eiffel tower'), pred('Paris'), pred('Paris')], gold);
    expect(r.metrics.exact_match).toBeCloseTo(1 / 3, 12);
    expect(r.metrics.f1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    expect(r.details.hasAnswer).toEqual({ count: 2, exact_match: 0.5, f1: expect.closeTo(5 / 6, 12) });
    expect(r.details.noAnswer).toEqual({ count: 1, exact_match: 0, f1: 0 });
    expect(task.labelSet(gold)).toEqual({ names: [], noAnswer: true });
    expect(task.monitor).toBe('f1');
  });
});
