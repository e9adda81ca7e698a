/**
 * Public types of the project store: what the trainer, the API server and the UI read and
 * write. Rows come back as plain objects with camelCase names; JSON columns are parsed.
 */

export type Task = 'classification' | 'intent' | 'ner' | 'qa';
export const TASKS: readonly Task[] = ['classification', 'intent', 'ner', 'qa'];

export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** Text + one label, or several labels when the dataset is multi-label. */
export interface ClassificationExample {
  text: string;
  labels: string[];
}

/** Text + intent, with optional word-level BIO slot tags (`tokens.length === slots.length`). */
export interface IntentExample {
  text: string;
  intent: string;
  tokens?: string[];
  slots?: string[];
}

/** Word-level tokens with one BIO tag each (IOB1 input is converted to BIO on import). */
export interface NerExample {
  tokens: string[];
  tags: string[];
}

/** `start` is a character offset into `context`; no answers means unanswerable (SQuAD v2). */
export interface QaAnswer {
  text: string;
  start: number;
}
export interface QaExample {
  id: string;
  context: string;
  question: string;
  answers: QaAnswer[];
}

export interface ExampleByTask {
  classification: ClassificationExample;
  intent: IntentExample;
  ner: NerExample;
  qa: QaExample;
}
export type AnyExample = ExampleByTask[Task];

/** An example as stored: its payload, the split, and where it came from in the user's file. */
export type StoredExample<T extends Task = Task> = ExampleByTask[T] & {
  /** The examples table's row id (not QA's own question `id`). */
  rowId: number;
  split: Split;
  /** 1-based line (text formats) or row (spreadsheets) in the source file. */
  sourceLine: number;
};

export interface Project {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A project with a summary of its most recent run, for the project list. */
export interface ProjectSummary extends Project {
  datasetCount: number;
  runCount: number;
  lastRun: { id: number; status: RunStatus; createdAt: string; bestMetricName: string | null; bestMetric: number | null } | null;
}

/** Where each field of an example came from in the user's file (column names or JSON keys). */
export interface ColumnMapping {
  text?: string;
  label?: string;
  labelSep?: string;
  intent?: string;
  slots?: string;
  tokens?: string;
  tags?: string;
  context?: string;
  question?: string;
  answer?: string;
  answerStart?: string;
  id?: string;
  split?: string;
}

export interface Dataset {
  id: number;
  projectId: number;
  name: string;
  task: Task;
  /** File names as given (base names), in import order. */
  sourceFiles: string[];
  format: string;
  encoding: string;
  mapping: ColumnMapping;
  /** Classification labels, intents, or NER tags, sorted. */
  labels: string[];
  /** Intent slot tags (BIO), sorted; empty for other tasks. */
  slotLabels: string[];
  multiLabel: boolean;
  rowCount: number;
  splits: Record<Split, number>;
  /** The import report (see main/data/report.ts), kept so the UI can show it again. */
  report: unknown;
  createdAt: string;
}

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'];

export interface Run {
  id: number;
  projectId: number;
  datasetId: number | null;
  task: Task;
  baseModel: string;
  /** The training settings as chosen (epochs, lr, batch, max length …), opaque to the store. */
  config: Record<string, unknown>;
  status: RunStatus;
  device: string | null;
  error: string | null;
  /** Why a run ended early, e.g. 'early-stopping', 'user'. */
  stoppedReason: string | null;
  bestEpoch: number | null;
  bestMetricName: string | null;
  bestMetric: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface NewRun {
  projectId: number;
  datasetId: number | null;
  task: Task;
  baseModel: string;
  config: Record<string, unknown>;
  device?: string | null;
}

export type RunUpdate = Partial<Pick<Run, 'status' | 'device' | 'error' | 'stoppedReason' | 'bestEpoch' | 'bestMetricName' | 'bestMetric' | 'startedAt' | 'finishedAt' | 'config'>>;

export type MetricSplit = 'train' | 'validation' | 'test';
export interface Metric {
  runId: number;
  step: number;
  /** Fractional epochs are allowed (e.g. 1.5 for mid-epoch evaluation). */
  epoch: number;
  split: MetricSplit;
  name: string;
  value: number;
}
export type NewMetric = Omit<Metric, 'runId'>;

export type ArtifactKind = 'checkpoint' | 'onnx' | 'onnx-int8' | 'hf';
export const ARTIFACT_KINDS: readonly ArtifactKind[] = ['checkpoint', 'onnx', 'onnx-int8', 'hf'];
export interface Artifact {
  id: number;
  runId: number;
  kind: ArtifactKind;
  /** Absolute path under the home folder; weights live in files, never in the database. */
  path: string;
  size: number;
  sha256: string;
  createdAt: string;
}
export type NewArtifact = Omit<Artifact, 'id' | 'createdAt'>;

/** A run's baseline (main/baseline/): its metrics on the run's validation and test splits. */
export interface Baseline {
  runId: number;
  /** 'tfidf-svm', 'entity-memory' or 'word-overlap'. */
  kind: string;
  validation: Record<string, number>;
  test: Record<string, number> | null;
  /** Anything else worth showing (NER: the majority-tag line's metrics). */
  extra: Record<string, unknown>;
  seconds: number;
  /** The fitted model's folder, when the baseline can be exported. */
  modelPath: string | null;
  createdAt: string;
}

export type NewBaseline = Omit<Baseline, 'createdAt' | 'extra' | 'modelPath'> & { extra?: Record<string, unknown>; modelPath?: string | null };
