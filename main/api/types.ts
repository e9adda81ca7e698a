/**
 * The data shapes that travel between the UI and the core: plain JSON, no classes, no Dates
 * (timestamps are ISO strings). The renderer imports these types; main/ produces them.
 */

import type { Hyperparameters } from '../train/presets.ts';

export type TaskKind = 'classification' | 'ner' | 'qa' | 'intent';
export const TASKS: readonly TaskKind[] = ['classification', 'ner', 'qa', 'intent'];

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
export type SplitName = 'train' | 'validation' | 'test';

export interface AppInfo {
  version: string;
  /** 'electron' has native dialogs; 'browser' uploads files over the API. */
  mode: 'electron' | 'browser';
  home: string;
  /** Which parts of the core are present in this build; the UI says plainly what is missing. */
  features: Record<'projects' | 'import' | 'models' | 'download' | 'training' | 'evaluation' | 'predict' | 'export', boolean>;
}

export interface MetricValue {
  name: string;
  value: number;
}

export interface RunSummary {
  id: number;
  projectId: number;
  datasetId: number;
  task: TaskKind;
  status: RunStatus;
  baseModel: string;
  createdAt: string;
  finishedAt?: string;
  best?: MetricValue;
  stoppedReason?: string;
  error?: string;
}

export interface ProjectSummary {
  id: number;
  name: string;
  createdAt: string;
  datasets: number;
  lastRun?: Pick<RunSummary, 'id' | 'status' | 'createdAt'>;
  bestMetric?: MetricValue;
}

export interface SampleInfo {
  id: string;
  title: string;
  task: TaskKind;
  rows: number;
  description: string;
  license: string;
}

export interface UploadTicket {
  uploadId: string;
}

export interface ColumnMapping {
  /** Column name per role; roles a task does not use are absent. */
  text?: string;
  label?: string;
  tokens?: string;
  tags?: string;
  context?: string;
  question?: string;
  answer?: string;
  answerStart?: string;
  intent?: string;
  slots?: string;
  id?: string;
  split?: string;
  /** Several labels in one cell, separated by this (multi-label classification). */
  labelSep?: string;
}

export interface FilePreview {
  path: string;
  fileName: string;
  format: string;
  encoding: string;
  delimiter?: string;
  sheets?: string[];
  columns: string[];
  /** The first rows as strings, in column order. */
  rows: string[][];
  totalRowsEstimate?: number;
  guessedTask?: TaskKind;
  guessedMapping: ColumnMapping;
  /** CoNLL, SQuAD and folder-per-class files define their own fields: there is nothing to map. */
  fixedMapping: boolean;
  /** Set when the file cannot be read at all (empty, binary, invalid JSON…). */
  problem?: ImportIssue;
}

export interface ImportIssue {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file?: string;
  /** 1-based row or line in the user's file. */
  row?: number;
  column?: string;
  sample?: string;
}

export interface SplitSettings {
  /** 'file' uses the file's own split column; 'random' makes a seeded stratified split. */
  mode: 'file' | 'random';
  train: number;
  validation: number;
  test: number;
  seed: number;
}

export interface ImportStats {
  rows: number;
  splits: Partial<Record<SplitName, number>>;
  labels: { label: string; count: number }[];
  /** Histogram of lengths in tokens: buckets [from, to) (to null = and more). */
  lengths: { from: number; to: number | null; count: number }[];
  /** Share of examples longer than the max length (they will be cut). */
  truncatedShare?: number;
  multiLabel?: boolean;
}

export interface ImportReport {
  ok: boolean;
  format: string;
  encoding: string;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  /** Total per problem code, including issues beyond the listed ones (lists are capped). */
  problemCounts: Record<string, number>;
  /** What the import did that the user should know (made a split, converted IOB1…). */
  notes: string[];
  /** The mapping the import used (the guesses filled in where the user chose nothing). */
  mapping: ColumnMapping;
  stats: ImportStats;
}

export interface DatasetSummary {
  id: number;
  projectId: number;
  name: string;
  fileName: string;
  format: string;
  task: TaskKind;
  rows: number;
  labels: string[];
  createdAt: string;
}

export interface DatasetDetail extends DatasetSummary {
  mapping: ColumnMapping;
  report: ImportReport;
}

export interface ModelInfo {
  id: string;
  name: string;
  modelType: string;
  path: string;
  sizeBytes: number;
  source: 'local' | 'hub';
  parameters?: number;
}

export interface CatalogEntry {
  /** The hub repository to download. */
  repo: string;
  title: string;
  sizeBytes: number;
  parameters: number;
  /** In words, e.g. "laptop-friendly". */
  speed: string;
  goodFor: string;
  cached: boolean;
}

export type BaseModel = { kind: 'pretrained'; modelId: string } | { kind: 'scratch'; size: 'tiny' | 'mini' | 'small' };

/**
 * The trainer's hyperparameters as the UI sets them: the trainer's own type (type-only, so the
 * renderer bundles nothing from main/train), less the memory options the UI does not offer yet.
 */
export type TrainSettings = Omit<Hyperparameters, 'maxMemoryMiB' | 'microBatch' | 'freezeEmbeddings'>;

export type PresetName = 'quick' | 'balanced' | 'thorough';

export interface PresetEstimate {
  preset: PresetName;
  settings: TrainSettings;
  seconds: number;
  memoryMb: number;
}

export interface Estimate {
  device: string;
  trainRows: number;
  presets: PresetEstimate[];
}

export interface RunProgress {
  runId: number;
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  learningRate: number;
  examplesPerSecond: number;
  etaSeconds: number;
}

export interface RunEvaluationPoint {
  runId: number;
  step: number;
  epoch: number;
  metrics: Record<string, number>;
  monitored: string;
  isBest: boolean;
  /** Evaluations left without improvement before early stopping. */
  patienceLeft: number;
}

export interface MetricPoint {
  step: number;
  epoch: number;
  name: string;
  value: number;
  split: 'train' | 'validation' | 'test';
}

export interface RunDetail extends RunSummary {
  settings: TrainSettings;
  base: BaseModel;
  device?: string;
  progress?: RunProgress;
  lastEvaluation?: RunEvaluationPoint;
  bestStep?: number;
}

export interface ClassRow {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalExample {
  index: number;
  text: string;
  gold: string;
  predicted: string;
  /** Probability of the prediction; QA spans have a score instead (not a probability). */
  confidence?: number;
  score?: number;
  /** NER: entity spans, character offsets into text. */
  goldSpans?: Span[];
  predictedSpans?: Span[];
  /** QA */
  question?: string;
}

export interface Span {
  start: number;
  end: number;
  label: string;
  score?: number;
}

export interface Evaluation {
  runId: number;
  split: SplitName;
  task: TaskKind;
  headline: { metric: string; value: number; sentence: string };
  metrics: Record<string, number>;
  perClass: ClassRow[];
  confusion?: { labels: string[]; matrix: number[][] };
  worst: EvalExample[];
}

export interface Prediction {
  task: TaskKind;
  /** classification / intent: labels sorted by probability. */
  labels?: { label: string; probability: number }[];
  /** ner: entities; qa: the answer span in the context. */
  spans?: Span[];
  answer?: { text: string; start: number; end: number; score: number } | null;
}

export type ExportFormat = 'onnx' | 'onnx-int8' | 'hf';

export interface ExportArtifact {
  format: ExportFormat;
  path: string;
  sizeBytes: number;
  verified: boolean;
  maxDifference?: number;
  note?: string;
}

export interface ExportJob {
  jobId: string;
  runId: number;
  folder: string;
}
