// Classification metrics with scikit-learn's definitions (zero_division = 0): per-class
// precision/recall/F1/support, their macro (unweighted), micro (pooled counts) and weighted
// (by support) averages, accuracy, confusion matrix, and ROC AUC for binary problems.
// Averages run over the classes that occur in the gold labels or the predictions, as
// scikit-learn does when `labels` is not given.
import type { ClassScores } from '../types.ts';

export interface ClassificationDetails {
  perClass: ClassScores[];
  /** Single-label only: matrix[gold][predicted] counts over `labels`. */
  confusion?: { labels: string[]; matrix: number[][] };
}

const safe = (n: number, d: number): number => (d === 0 ? 0 : n / d);
const f1Of = (p: number, r: number): number => safe(2 * p * r, p + r);

/**
 * Scores from label sets: gold[i] and pred[i] are the labels of example i (one each for
 * single-label). Accuracy is exact set match (scikit-learn's subset accuracy for multi-label).
 */
export function classificationScores(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): { metrics: Record<string, number>; details: ClassificationDetails } {
  if (gold.length !== pred.length) throw new Error(`${gold.length} gold examples but ${pred.length} predictions.`);
  const labels = [...new Set([...gold.flat(), ...pred.flat()])].sort();
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  let exact = 0;
  gold.forEach((g, i) => {
    const gs = new Set(g);
    const ps = new Set(pred[i]);
    if (gs.size === ps.size && [...gs].every((l) => ps.has(l))) exact++;
    for (const l of ps) inc(gs.has(l) ? tp : fp, l);
    for (const l of gs) if (!ps.has(l)) inc(fn, l);
  });
  const perClass: ClassScores[] = labels.map((label) => {
    const t = tp.get(label) ?? 0;
    const precision = safe(t, t + (fp.get(label) ?? 0));
    const recall = safe(t, t + (fn.get(label) ?? 0));
    return { label, precision, recall, f1: f1Of(precision, recall), support: t + (fn.get(label) ?? 0) };
  });
  const n = perClass.length;
  const mean = (k: 'precision' | 'recall' | 'f1'): number => safe(perClass.reduce((s, c) => s + c[k], 0), n);
  const totalSupport = perClass.reduce((s, c) => s + c.support, 0);
  const weighted = (k: 'precision' | 'recall' | 'f1'): number => safe(perClass.reduce((s, c) => s + c[k] * c.support, 0), totalSupport);
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const microP = safe(sum(tp), sum(tp) + sum(fp));
  const microR = safe(sum(tp), sum(tp) + sum(fn));
  const metrics: Record<string, number> = {
    accuracy: safe(exact, gold.length),
    macro_precision: mean('precision'),
    macro_recall: mean('recall'),
    macro_f1: mean('f1'),
    micro_precision: microP,
    micro_recall: microR,
    micro_f1: f1Of(microP, microR),
    weighted_precision: weighted('precision'),
    weighted_recall: weighted('recall'),
    weighted_f1: weighted('f1'),
  };
  const details: ClassificationDetails = { perClass };
  if (gold.every((g) => g.length === 1) && pred.every((p) => p.length === 1)) {
    const index = new Map(labels.map((l, i) => [l, i]));
    const matrix = labels.map(() => labels.map(() => 0));
    gold.forEach((g, i) => matrix[index.get(g[0]) ?? 0][index.get(pred[i][0]) ?? 0]++);
    details.confusion = { labels, matrix };
  }
  return { metrics, details };
}

/**
 * Area under the ROC curve from scores of the positive class: the probability that a random
 * positive scores above a random negative, ties counting half (Mann–Whitney U with average
 * ranks, equal to scikit-learn's roc_auc_score). Undefined (null) without both classes.
 */
export function rocAuc(isPositive: readonly boolean[], score: readonly number[]): number | null {
  const nPos = isPositive.filter(Boolean).length;
  const nNeg = isPositive.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = score.map((s, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]] === score[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based ranks i+1 … j+1
    for (let k = i; k <= j; k++) if (isPositive[order[k]]) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
