/**
 * The data shapes that travel between the UI and the core: plain JSON, no classes, no Dates
 * (timestamps are ISO strings). The renderer imports these types; main/ produces them.
 */

import type { Hyperparameters } from '../train/presets.ts';
import type { StoredPlan } from '../train/run-plan.ts';

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
  /** The run's baseline (issue 15), once trained: the reference point the model has to beat. */
  baseline?: BaselineInfo;
}

/** A quick model trained on the same splits before the BERT model, with the task's metrics. */
export interface BaselineInfo {
  kind: string;
  /** What users call it: "keyword baseline", "memorization baseline", "word-overlap baseline". */
  name: string;
  validation: Record<string, number>;
  test?: Record<string, number>;
  seconds: number;
  /** The keyword baseline (classification, intent) can be exported to ONNX. */
  exportable: boolean;
  /** One sentence when the baseline beats the model on validation, saying what to do. */
  advice?: string;
}

/** An exported, checked baseline. */
export interface BaselineExport {
  path: string;
  files: string[];
  sizeBytes: number;
  /** "Checked in ONNX Runtime on 64 validation examples: …" */
  checked: string;
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
  /** What its default run (a tiny model from scratch, Quick preset) ends with, measured: shown on the sample's card. */
  expect?: string;
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
 * renderer bundles nothing from main/train), memory options included.
 */
export type TrainSettings = Hyperparameters;

export type PresetName = 'quick' | 'balanced' | 'thorough';

/** The trainer's memory plan for one set of settings (main/train/memory.ts planBatch). */
export interface MemoryPlan {
  /** Estimated peak memory of the run, in MiB. */
  peakMiB: number;
  /** The limit the plan fits under: the user's memory limit, or the trainer's default. */
  budgetMiB: number;
  batchSize: number;
  /** Examples per forward/backward pass. */
  microBatch: number;
  /** Passes whose gradients are added up into one optimizer step (1 = the batch in one pass). */
  accumulation: number;
  /** False when even one example per pass is estimated over the limit. */
  fits: boolean;
  /** The plan in one sentence for the user: the split, or what to change when it does not fit. */
  sentence: string;
}

export interface RunEstimate {
  settings: TrainSettings;
  /** A rough formula (shown as "about"), not a measurement. */
  seconds: number;
  memory: MemoryPlan;
}

export interface PresetEstimate extends RunEstimate {
  preset: PresetName;
}

export interface Estimate {
  /** The device sentence: where the run trains, and why no GPU when it is the CPU. */
  device: string;
  trainRows: number;
  presets: PresetEstimate[];
  /** The estimate of the settings sent with the request (the user's custom settings), when any. */
  custom?: RunEstimate;
  /** The base model's encoder: layers (for "freeze the lowest N layers") and whether it is pretrained. */
  model: { layers: number; hidden: number; pretrained: boolean };
  /** The trainer's memory limit when the user sets none (half of this computer's memory), in MiB. */
  defaultMemoryMiB: number;
  /** This computer's memory, in MiB: the highest memory limit the API accepts. */
  totalMemoryMiB: number;
  /** Classification: when most texts are over the max length, how they are cut (head+tail), in one sentence. */
  longTexts?: string;
}

export type DeviceId = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/** One compute device as probed on this machine (main/engine/devices.ts). */
export interface DeviceInfo {
  device: DeviceId;
  /** Its name for people, e.g. "CUDA (NVIDIA)". */
  label: string;
  /** Usable for training runs in this version. */
  training: boolean;
  /** The provider started and ran a small graph here. */
  works: boolean;
  /** One sentence: why it is or is not used, and what to do. */
  reason: string;
  /**
   * A run may ask for it by name (the Device setting): its training step was verified here.
   * On a software GPU adapter too, which Automatic never picks; `software` then says so.
   */
  selectable: boolean;
  /** It runs on a software (CPU-emulated) GPU driver: correct, but slower than the CPU. */
  software?: string;
}

/** NVIDIA CUDA ("Enable NVIDIA CUDA" in the device panel). */
export interface CudaStatus {
  /** This platform can use it (Linux x64): the button is offered. */
  supported: boolean;
  /** ONNX Runtime's CUDA provider is installed and verified in the home. */
  installed: boolean;
  /** This process runs ONNX Runtime with it; false after an install until the app restarts. */
  active: boolean;
  /** One sentence for the panel: what is the case and what to do. */
  sentence: string;
}

export interface CudaInstallProgress {
  phase: 'resolving' | 'downloading' | 'extracting' | 'done';
  received: number;
  total: number;
  done: boolean;
  error?: string;
}

export interface DeviceReport {
  /** The device training runs use. */
  training: DeviceId;
  /** The announcement, e.g. "No usable GPU found — training on the CPU (2 cores): …". */
  sentence: string;
  devices: DeviceInfo[];
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

/**
 * How the trainer runs a run, as it decided when the run started (main/train's `prepared`
 * event): the device, the batch split that fits the memory limit, and the estimate behind it.
 * Kept with the run, so a reopened app shows how a finished run trained.
 */
export type RunPlan = StoredPlan;

export interface RunDetail extends RunSummary {
  settings: TrainSettings;
  base: BaseModel;
  device?: string;
  /** Absent until the trainer has prepared the run (and for runs trained outside the app). */
  plan?: RunPlan;
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
  /** The headline metric of the run's baseline on the same split: "BERT: 55 % correct · keyword baseline: 77 %". */
  baseline?: { name: string; metric: string; value: number; sentence: string; advice?: string; exportable: boolean };
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

/** The connection to a team training server; `connected: false` is local mode (the default). */
export interface TrainingServerStatus {
  connected: boolean;
  url: string | null;
  user: string | null;
  /** The SHA-256 fingerprint of the server's certificate this connection pinned. */
  fingerprint: string | null;
}

/** A model copied from the training server: a run of this computer's store. */
export interface DownloadedModel {
  localRunId: number;
  projectId: number;
  projectName: string;
  files: number;
  bytes: number;
}

/** A run written as a cluster job (`bert-studio export-job`). */
export interface ExportedClusterJob {
  runId: number;
  folder: string;
  files: number;
}

/** A model trained from an exported job, imported back as a run next to its source run. */
export interface ImportedTrainedRun {
  runId: number;
  sourceRun: number;
  metrics: { validation: Record<string, number>; test: Record<string, number> };
}
