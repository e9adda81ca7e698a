// The fitted keyword baseline on disk (runs/ID/baseline/): baseline.json holds the labels,
// the vocabulary and idf; weights.f32 the [features × labels] float32 weights (little-endian),
// which are too many for JSON. Saved at training time so an export after a restart needs no refit.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../train/atomic.ts';
import type { TextClassifier } from './text-classifier.ts';
import type { GramBlock, TfIdfModel } from './tfidf.ts';

const JSON_FILE = 'baseline.json';
const WEIGHTS_FILE = 'weights.f32';

interface BlockJson {
  grams: string[];
  sizes: number[];
  idf: number[];
}

interface FileJson {
  version: 1;
  labels: string[];
  multiLabel: boolean;
  options: TfIdfModel['options'];
  words: BlockJson;
  chars: BlockJson;
  bias: number[];
}

const blockJson = (b: GramBlock): BlockJson => ({ grams: b.grams, sizes: b.sizes, idf: Array.from(b.idf) });
const blockOf = (b: BlockJson): GramBlock => ({ grams: b.grams, sizes: b.sizes, idf: Float64Array.from(b.idf) });

export function saveTextClassifier(dir: string, m: TextClassifier): void {
  fs.mkdirSync(dir, { recursive: true });
  const json: FileJson = { version: 1, labels: m.labels, multiLabel: m.multiLabel, options: m.tfidf.options, words: blockJson(m.tfidf.words), chars: blockJson(m.tfidf.chars), bias: Array.from(m.bias) };
  writeFileAtomic(path.join(dir, WEIGHTS_FILE), new Uint8Array(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength));
  writeFileAtomic(path.join(dir, JSON_FILE), JSON.stringify(json));
}

export function loadTextClassifier(dir: string): TextClassifier {
  const json = JSON.parse(fs.readFileSync(path.join(dir, JSON_FILE), 'utf8')) as FileJson;
  const bytes = fs.readFileSync(path.join(dir, WEIGHTS_FILE));
  const expected = (json.words.grams.length + json.chars.grams.length) * json.labels.length * 4;
  if (json.version !== 1 || bytes.length !== expected) throw new Error(`${dir} does not hold a baseline this version of BERT Studio can read (weights file of ${bytes.length} bytes, expected ${expected}); train the run again.`);
  const weights = new Float32Array(bytes.length / 4);
  new Uint8Array(weights.buffer).set(bytes);
  return { labels: json.labels, multiLabel: json.multiLabel, tfidf: { options: json.options, words: blockOf(json.words), chars: blockOf(json.chars) }, weights, bias: Float32Array.from(json.bias) };
}
