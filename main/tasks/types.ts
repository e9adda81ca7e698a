// One interface for every task (DESIGN.md: "a task is a module implementing one interface"):
// examples → model features, the head the engine builds, model outputs → predictions, and
// predictions vs gold → metrics. Adding a task means one new module and one registry entry.
import type { HeadSpec } from '../engine/api.ts';
import type { Tokenizer } from '../text/index.ts';

export type { HeadSpec } from '../engine/api.ts';

export type TaskName = 'classification' | 'ner' | 'qa' | 'intent';

// --- Examples as the store gives them (structurally compatible with main/store/types.ts) ---

/** One label for single-label data, several (or none) for multi-label. */
export interface ClassificationExample {
  text: string;
  labels: string[];
}

/** Words and their IOB2 tags, one per word. */
export interface NerExample {
  tokens: string[];
  tags: string[];
}

/** SQuAD-style; `start` is a character index into `context`; no answers = unanswerable (SQuAD v2). */
export interface QaExample {
  id: string;
  context: string;
  question: string;
  answers: { text: string; start: number }[];
}

/** Intent, and optionally slot tags (IOB2) for `tokens` (or for `text` split on whitespace). */
export interface IntentExample {
  text: string;
  intent: string;
  tokens?: string[];
  slots?: string[];
}

/** The label vocabulary a model is trained with; ids are indices into these arrays. */
export interface LabelSet {
  /** Classes (classification), IOB2 tags with 'O' first (NER), intents (intent); empty for QA. */
  names: string[];
  /** Intent only: slot tags, 'O' first; absent or empty when the data has no slots. */
  slots?: string[];
  /** Classification: examples may carry several labels (sigmoid + threshold). */
  multiLabel?: boolean;
  /** QA: the data has unanswerable questions, so "no answer" may be predicted (SQuAD v2). */
  noAnswer?: boolean;
}

/**
 * One model input row with its training targets, unpadded. QA makes several features per
 * example (one per context window); every other task exactly one.
 */
export interface Feature {
  /** Index of the example this row came from. */
  example: number;
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  /** Word index of each token (null for special tokens and, in QA, for the question). */
  wordIds: (number | null)[];
  /** QA: [start, end) character offsets into the context for context tokens, null elsewhere. */
  offsets?: ([number, number] | null)[];
  /** Single-label class id or intent id; -100 when the label is not in the label set. */
  label?: number;
  /** Multi-label: 0/1 per class. */
  labelVector?: number[];
  /** NER tags or intent slot tags per token: the first sub-token of a word carries the word's tag, the rest -100. */
  tokenLabels?: number[];
  /** QA: answer start/end token (inclusive); 0/0 (the [CLS] token) when the answer is not in this window. */
  startPosition?: number;
  endPosition?: number;
}

export interface FeatureOptions {
  /** Tokens per row including special tokens (QA default 384, others the tokenizer's model max). */
  maxLength?: number;
  labels: LabelSet;
  /** QA: context tokens shared by consecutive windows (default 128). */
  stride?: number;
  /** Classification: how a text longer than maxLength is cut (default 'head': its end is dropped; head-tail.ts). */
  truncation?: 'head' | 'head-tail';
}

/**
 * What the engine returns for one batch (the fields of main/engine/api.ts ForwardResult), as
 * flat row-major arrays: logits [B, C] (classification, intent) or [B, S, C] (NER);
 * startLogits/endLogits [B, S]; slotLogits [B, S, K]. S is the batch's padded length.
 */
export interface ModelOutputs {
  logits?: Float32Array;
  startLogits?: Float32Array;
  endLogits?: Float32Array;
  slotLogits?: Float32Array;
  dims?: Record<string, number[]>;
}

/** One batch of outputs and which features (indices into the feature list) its rows are. */
export interface BatchOutputs {
  rows: number[];
  outputs: ModelOutputs;
}

export interface DecodeOptions {
  labels: LabelSet;
  /** Multi-label decision threshold on sigmoid probabilities (default 0.5). */
  threshold?: number;
  /** Intent: below this top softmax probability the prediction becomes `out_of_scope` (default: off). */
  oosThreshold?: number;
  /** QA: candidate starts/ends per window (default 20) and longest answer in tokens (default 30). */
  nBest?: number;
  maxAnswerLength?: number;
  /** QA: predict no answer when null score − best span score exceeds this (default 0). */
  nullScoreDiffThreshold?: number;
}

export interface MetricsReport<D = unknown> {
  /** snake_case names, values in [0, 1] (accuracy, macro_f1, entity_f1, exact_match, …). */
  metrics: Record<string, number>;
  details: D;
}

/** Precision, recall, F1 and gold count of one class or entity type. */
export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ThresholdChoice {
  threshold: number;
  /** The monitored metric on the validation predictions at that threshold. */
  score: number;
}

export interface TaskModule<E, P, D = unknown> {
  readonly name: TaskName;
  /** The metric early stopping and model selection watch (higher is better). */
  readonly monitor: string;
  /** The monitored metric for a given label set, when it depends on it (intent with slots). */
  monitorFor?(labels: LabelSet): string;
  /** Label vocabulary from (training) examples, deterministic order. */
  labelSet(examples: readonly E[]): LabelSet;
  features(examples: readonly E[], tokenizer: Tokenizer, options: FeatureOptions): Feature[];
  headSpec(labels: LabelSet): HeadSpec;
  /** One prediction per example, in example order. */
  decode(examples: readonly E[], features: readonly Feature[], outputs: readonly BatchOutputs[], options: DecodeOptions): P[];
  metrics(predictions: readonly P[], gold: readonly E[]): MetricsReport<D>;
  /** Multi-label threshold or out-of-scope threshold chosen on validation predictions. */
  tuneThreshold?(predictions: readonly P[], gold: readonly E[]): ThresholdChoice;
  /** Re-decides predictions under another threshold without running the model again. */
  applyThreshold?(predictions: readonly P[], threshold: number): P[];
}
