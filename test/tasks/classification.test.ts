import { describe, expect, it } from 'vitest';
import { classificationTask as task } from '../../main/tasks/index.ts';
import { batchOf, tokenizer } from './helpers.ts';

const single = [
  { text: 'The man said', labels: ['neg'] },
  { text: 'the world', labels: ['pos'] },
];

describe('classification: labels, features, head', () => {
  it('sorted label set; single-label features carry the class id', () => {
    const labels = task.labelSet(single);
    expect(labels).toEqual({ names: ['neg', 'pos'], multiLabel: false });
    const f = task.features(single, tokenizer, { labels, maxLength: 4 });
    expect(f[0].inputIds).toEqual([2, ...tokenizer.encode('the man').ids.slice(1, 3), 3]);
    expect(f.map((x) => x.label)).toEqual([0, 1]);
    expect(task.headSpec(labels)).toEqual({ kind: 'sequence-classification', numLabels: 2 });
  });

  it('multi-label: multi-hot targets and a multi-label head; unknown labels become -100 single-label', () => {
    const multi = [
      { text: 'a', labels: ['x', 'z'] },
      { text: 'b', labels: [] },
    ];
    const labels = task.labelSet(multi);
    expect(labels).toEqual({ names: ['x', 'z'], multiLabel: true });
    expect(task.features(multi, tokenizer, { labels }).map((f) => f.labelVector)).toEqual([[1, 1], [0, 0]]);
    expect(task.headSpec(labels)).toEqual({ kind: 'sequence-classification', numLabels: 2, multiLabel: true });
    const unknown = task.features([{ text: 'a', labels: ['other'] }], tokenizer, { labels: { names: ['neg', 'pos'] } });
    expect(unknown[0].label).toBe(-100);
  });
});

describe('classification: decode', () => {
  const labels = { names: ['a', 'b', 'c', 'd'] };
  it('softmax probabilities, top class and top-3, rows matched through batch row indices', () => {
    const feats = task.features([{ text: 'x', labels: ['a'] }, { text: 'y', labels: ['b'] }], tokenizer, { labels });
    // Batch lists feature 1 first. Feature 0 logits [0, ln 2, ln 3, -inf-ish]: softmax ∝ 1, 2, 3, ~0.
    const out = [batchOf([1, 0], 'logits', [[0, 0, 0, 9], [0, Math.log(2), Math.log(3), -100]])];
    const [p0, p1] = task.decode(single, feats, out, { labels });
    expect(p0.label).toBe('c');
    expect(p0.labels).toEqual(['c']);
    expect(p0.probabilities.a).toBeCloseTo(1 / 6, 6);
    expect(p0.probabilities.c).toBeCloseTo(3 / 6, 6);
    expect(p0.top.map((t) => t.label)).toEqual(['c', 'b', 'a']);
    expect(p1.label).toBe('d');
  });

  it('multi-label: sigmoid per class and a threshold', () => {
    const ml = { names: ['x', 'y', 'z'], multiLabel: true };
    const feats = task.features([{ text: 'x', labels: ['x'] }], tokenizer, { labels: ml });
    // sigmoid(2) = 0.881, sigmoid(0) = 0.5, sigmoid(-1) = 0.269
    const out = [batchOf([0], 'logits', [[2, 0, -1]])];
    expect(task.decode([{ text: 'x', labels: ['x'] }], feats, out, { labels: ml })[0].labels).toEqual(['x', 'y']); // ≥ 0.5
    expect(task.decode([{ text: 'x', labels: ['x'] }], feats, out, { labels: ml, threshold: 0.6 })[0].labels).toEqual(['x']);
    expect(task.decode([{ text: 'x', labels: ['x'] }], feats, out, { labels: ml, threshold: 0.2 })[0].labels).toEqual(['x', 'y', 'z']);
  });

  it('refuses outputs whose size does not match the batch', () => {
    const feats = task.features([{ text: 'x', labels: ['a'] }], tokenizer, { labels });
    expect(() => task.decode([{ text: 'x', labels: ['a'] }], feats, [batchOf([0], 'logits', [[1, 2, 3]])], { labels })).toThrow(/3 values, expected 1 rows × 4/);
  });
});

describe('classification: metrics and threshold tuning', () => {
  it('binary problems also get ROC AUC from the second class probability', () => {
    const gold = [['neg'], ['pos'], ['pos'], ['neg']].map((labels) => ({ text: '', labels }));
    const labels = { names: ['neg', 'pos'] };
    const feats = task.features(gold, tokenizer, { labels });
    // P(pos) = sigmoid(l1 - l0): rows give P(pos) ordering 0.27 < 0.5 < 0.73 < 0.88
    const logits = [[0, -1], [0, 2], [0, 0], [0, 1]];
    const preds = task.decode(gold, feats, [batchOf([0, 1, 2, 3], 'logits', logits)], { labels });
    const r = task.metrics(preds, gold);
    // predictions: neg, pos, neg (tie → first class), pos → accuracy 2/4
    expect(r.metrics.accuracy).toBe(0.5);
    // positives score 0.88, 0.5; negatives 0.27, 0.73 → pairs won: (.88>.27) (.88>.73) (.5>.27) = 3 of 4
    expect(r.metrics.roc_auc).toBeCloseTo(0.75, 12);
    expect(task.monitor).toBe('macro_f1');
  });

  it('tunes the multi-label threshold for macro F1, ties toward 0.5', () => {
    const gold = [{ text: '', labels: ['x'] }, { text: '', labels: [] }];
    const mk = (px: number) => ({ labels: [], label: 'x', probabilities: { x: px }, top: [], multiLabel: true });
    // P(x) = 0.3 for the positive, 0.2 for the negative: any threshold in (0.2, 0.3] separates
    // them (macro F1 1): candidates 0.25 and 0.3; 0.3 is closer to 0.5.
    const choice = task.tuneThreshold?.([mk(0.3), mk(0.2)], gold);
    expect(choice).toEqual({ threshold: 0.3, score: 1 });
    expect(task.applyThreshold?.([mk(0.3), mk(0.2)], 0.3).map((p) => p.labels)).toEqual([['x'], []]);
  });
});
