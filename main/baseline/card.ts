// README.md of an exported keyword baseline: what it is, how well it does next to the BERT
// model of the same run, how text becomes its inputs (the part outside the graph), how it was
// checked, and code to run it.
import type { Verification } from '../export/verify.ts';
import type { TextClassifier } from './text-classifier.ts';
import type { SplitMetrics } from './train-baseline.ts';

export interface BaselineCardInput {
  task: 'classification' | 'intent';
  model: TextClassifier;
  words: number;
  baseline: SplitMetrics;
  /** The BERT model of the same run, for comparison. */
  bert?: { baseModel?: string; metrics?: Partial<SplitMetrics> };
  verification: Verification;
}

function metricsTable(b: SplitMetrics, bert: Partial<SplitMetrics> | undefined): string {
  const names = Object.keys(b.validation).filter((n) => n !== 'loss');
  const cell = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));
  return [
    '| metric | baseline validation | baseline test | BERT validation | BERT test |',
    '|---|---|---|---|---|',
    ...names.map((n) => `| ${n} | ${cell(b.validation[n])} | ${cell(b.test?.[n])} | ${cell(bert?.validation?.[n])} | ${cell(bert?.test?.[n])} |`),
  ].join('\n');
}

const PYTHON = `\`\`\`python
import json, re, numpy as np, onnxruntime as ort

words = {w: i for i, w in enumerate(open("words.txt", encoding="utf-8").read().split("\\n")[:-1])}
labels = json.load(open("labels.json"))["id2label"]
session = ort.InferenceSession("model.onnx")

def rows(lists):
    width = max(1, *(len(r) for r in lists))
    return np.array([r + [-1] * (width - len(r)) for r in lists], dtype=np.int64)

def inputs(texts):
    word_ids = [[words.get(w, -1) for w in re.findall(r"\\w+", t.lower())] for t in texts]
    char_ids = [[ord(c) for w in t.lower().split() for c in f" {w} "] for t in texts]
    return {"word_ids": rows(word_ids), "char_ids": rows(char_ids)}

scores, probabilities = session.run(None, inputs(["my card has not arrived yet"]))
print(labels[str(int(probabilities[0].argmax()))])
\`\`\``;

export function baselineCard(c: BaselineCardInput): string {
  const { options } = c.model.tfidf;
  const v = c.verification;
  const decision = c.model.multiLabel ? 'every label whose probability is at least 0.5 (score ≥ 0)' : 'the label with the highest score';
  return [
    `# Keyword baseline (${c.task === 'intent' ? 'intent detection' : 'text classification'})`,
    `A TF-IDF + linear SVM model that BERT Studio trained in seconds on the same data as the BERT model of this run, as the reference point that model had to beat. ${c.model.labels.length} labels (see labels.json, the same format as the BERT export's); prediction: ${decision}.`,
    `## Metrics\n\n${metricsTable(c.baseline, c.bert?.metrics)}${c.bert?.baseModel ? `\n\nBERT model: ${c.bert.baseModel}.` : ''}`,
    [
      '## Inputs (text → ids, done outside the graph)',
      '',
      `ONNX has no standard regular-expression tokenizer at opset 17, so the text is turned into two int64 matrices before the model (rows padded with -1):`,
      '',
      `- \`word_ids\` [batch, words]: the text lowercased, its words taken as runs of letters, digits and underscores (Python \`re.findall(r"\\w+", text.lower())\`), each replaced by its line number (0-based) in words.txt, or -1 when absent (${c.words} words).`,
      `- \`char_ids\` [batch, chars]: the Unicode code points of the text lowercased, split on white space, each word written as " word " (a space on each side), back to back.`,
      '',
      `Inside the graph: \`TfIdfVectorizer\` counts word ${options.wordNgrams.join('–')}-grams and character ${options.charNgrams.join('–')}-grams, each count becomes 1 + ln(count) times its idf, each of the two blocks is L2-normalized, and \`MatMul\` + \`Add\` give \`scores\` [batch, labels]; \`probabilities\` is their ${c.model.multiLabel ? 'sigmoid' : 'softmax'} (SVM scores are not calibrated: use them to rank).`,
    ].join('\n'),
    `## How it was checked\n\nLoaded back in ONNX Runtime and run on ${v.examples} ${v.labelled ? 'validation examples' : 'probe texts'}: scores differ from the in-app baseline's by at most ${v.maxDifference.toExponential(2)} (allowed ${v.tolerance}); ${(v.agreement * 100).toFixed(1)}% identical predictions.`,
    `## Use it from Python\n\n${PYTHON}`,
  ].join('\n\n') + '\n';
}
