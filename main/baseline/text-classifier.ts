// The keyword baseline for classification and intents: TF-IDF (tfidf.ts) and one linear SVM
// per class (one-vs-rest; linear-svm.ts), with class weights so a rare class is not ignored.
// Single-label: the class with the highest score. Multi-label: every class scoring above 0.
import { rowNormsSquared, type Csr } from './sparse.ts';
import { featureCount, fitTfIdfMatrix, tfidfTransformer, TFIDF_DEFAULTS, type TfIdfModel, type TfIdfOptions } from './tfidf.ts';
import { trainBinarySvm } from './linear-svm.ts';

export interface TextClassifier {
  labels: string[];
  multiLabel: boolean;
  tfidf: TfIdfModel;
  /** [features × labels], row-major: the column of label c holds its SVM's weights. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TextClassifierOptions {
  tfidf: TfIdfOptions;
  /** SVM cost C; larger fits the training data more closely. */
  cost: number;
  seed: number;
}

export const TEXT_CLASSIFIER_DEFAULTS: TextClassifierOptions = { tfidf: TFIDF_DEFAULTS, cost: 0.5, seed: 1 };

/**
 * Per-example costs of one binary problem. Single-label uses the example's class weight
 * n / (K · n_class) in every problem; multi-label balances each problem's positives against
 * its negatives (n / (2 · n_side)). Both are scikit-learn's `class_weight="balanced"`.
 */
function costs(gold: readonly (readonly number[])[], k: number, classes: number, multiLabel: boolean, counts: readonly number[], c: number): Float64Array {
  const n = gold.length;
  if (!multiLabel) return Float64Array.from(gold, (g) => (c * n) / (classes * counts[g[0]]));
  const pos = counts[k];
  return Float64Array.from(gold, (g) => (c * n) / (2 * (g.includes(k) ? pos : n - pos)));
}

/** The fit, one step per class: the async version lets the event loop run between classes. */
function* fitSteps(texts: readonly string[], gold: readonly (readonly string[])[], labels: readonly string[], multiLabel: boolean, options: TextClassifierOptions): Generator<void, TextClassifier> {
  const { model: tfidf, x } = fitTfIdfMatrix(texts, options.tfidf);
  const index = new Map(labels.map((l, i) => [l, i]));
  const ids = gold.map((g) => g.map((l) => index.get(l)).filter((i): i is number => i !== undefined));
  const counts = labels.map(() => 0);
  for (const g of ids) for (const i of g) counts[i]++;
  const norms = rowNormsSquared(x);
  const v = featureCount(tfidf);
  const weights = new Float32Array(v * labels.length);
  const bias = new Float32Array(labels.length);
  for (let k = 0; k < labels.length; k++) {
    yield;
    // A class absent from training (seen only in validation) can never be predicted.
    if (counts[k] === 0) {
      bias[k] = -1;
      continue;
    }
    const y = Int8Array.from(ids, (g) => (g.includes(k) ? 1 : -1));
    const svm = trainBinarySvm(x, y, norms, { cost: costs(ids, k, labels.length, multiLabel, counts, options.cost), seed: options.seed + k });
    for (let j = 0; j < v; j++) weights[j * labels.length + k] = svm.w[j];
    bias[k] = svm.bias;
  }
  return { labels: [...labels], multiLabel, tfidf, weights, bias };
}

export function fitTextClassifier(texts: readonly string[], gold: readonly (readonly string[])[], labels: readonly string[], multiLabel: boolean, options: TextClassifierOptions = TEXT_CLASSIFIER_DEFAULTS): TextClassifier {
  const steps = fitSteps(texts, gold, labels, multiLabel, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same fit, yielding to the event loop between classes: in the app it runs in the process
 * that also serves the window, which must stay responsive for the seconds it takes.
 */
export async function fitTextClassifierAsync(texts: readonly string[], gold: readonly (readonly string[])[], labels: readonly string[], multiLabel: boolean, options: TextClassifierOptions = TEXT_CLASSIFIER_DEFAULTS): Promise<TextClassifier> {
  const steps = fitSteps(texts, gold, labels, multiLabel, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Scores [texts × labels] row-major, computed in float64 from the float32 weights the export holds too. */
export function classifierScores(model: TextClassifier, x: Csr): Float64Array {
  const c = model.labels.length;
  const out = new Float64Array(x.rows * c);
  for (let r = 0; r < x.rows; r++) {
    const o = r * c;
    for (let k = 0; k < c; k++) out[o + k] = model.bias[k];
    for (let p = x.rowStart[r]; p < x.rowStart[r + 1]; p++) {
      const base = x.col[p] * c;
      const v = x.val[p];
      for (let k = 0; k < c; k++) out[o + k] += v * model.weights[base + k];
    }
  }
  return out;
}

/** Scores of raw texts. */
export function scoreTexts(model: TextClassifier, texts: readonly string[]): Float64Array {
  return classifierScores(model, tfidfTransformer(model.tfidf)(texts));
}
