// Keyword-baseline benchmark (not part of `npm test`): trains the in-app TF-IDF + linear SVM
// baseline on ../shared/data train.csv, scores test.csv with the task metrics, and prints one
// JSON line per dataset next to scikit-learn 1.9's TF-IDF + LogisticRegression (issue 15:
// "default" = both with default settings; "tuned" = word 1–2 + char_wb 2–5-grams, sublinear tf, C=10).
// Usage: npm run bench:baseline [-- banking77|rt_polarity|snips]
import path from 'node:path';
import { trainBaseline } from '../main/baseline/train-baseline.ts';
import { TASKS } from '../main/tasks/registry.ts';
import { readExamplesFromFile } from '../main/train/read-examples.ts';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');

const SKLEARN: Record<string, { default: number; tuned: number }> = {
  banking77: { default: 0.877, tuned: 0.913 },
  rt_polarity: { default: 0.781, tuned: 0.811 },
  snips: { default: 0.964, tuned: 0.974 },
};

const only = process.argv[2];
for (const name of Object.keys(SKLEARN).filter((n) => !only || n === only)) {
  const read = async (split: string) => (await readExamplesFromFile(path.join(DATA, name, `${split}.csv`), 'classification')).examples;
  const train = await read('train');
  const test = await read('test');
  const labels = TASKS.classification.labelSet(train as Parameters<typeof TASKS.classification.labelSet>[0]);
  const started = performance.now();
  // CPU time as well as wall time: on a shared machine other jobs stretch the wall clock, while
  // this single-threaded work's CPU seconds are what an idle machine would take.
  const cpu0 = process.cpuUsage();
  // Validation = test here: the benchmark has no validation split, and only test is reported.
  const r = await trainBaseline({ task: 'classification', train, validation: test, test, labels });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const accuracy = r.metrics.test?.accuracy ?? Number.NaN;
  const sk = SKLEARN[name];
  const features = r.classifier ? r.classifier.tfidf.words.grams.length + r.classifier.tfidf.chars.grams.length : 0;
  console.log(
    JSON.stringify({
      bench: 'baseline',
      dataset: name,
      train: train.length,
      test: test.length,
      classes: labels.names.length,
      features,
      accuracy: Math.round(accuracy * 10000) / 10000,
      macro_f1: Math.round((r.metrics.test?.macro_f1 ?? Number.NaN) * 10000) / 10000,
      sklearn_default: sk.default,
      sklearn_tuned: sk.tuned,
      at_least_default: accuracy >= sk.default,
      within_002_of_tuned: accuracy >= sk.tuned - 0.02,
      seconds: Math.round(seconds * 10) / 10,
      cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}
