import type { ColumnMapping, Split, Task } from '../store/types.ts';

export type Format = 'csv' | 'xlsx' | 'jsonl' | 'json' | 'squad' | 'conll' | 'folder';
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** One problem in the user's data. `line` is 1-based in the user's file (row for spreadsheets). */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable identifier for the UI and tests, e.g. 'empty-text', 'ragged-row'. */
  code: string;
  /** A sentence for the user, with file, row and column, saying what to do. */
  message: string;
  file?: string;
  line?: number;
  column?: string;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportOptions {
  task: Task;
  mapping?: ColumnMapping;
  /** Spreadsheet sheet by name; the first sheet by default. */
  sheet?: string;
  /** Override header detection for CSV/TSV. */
  header?: boolean;
  /** Override delimiter detection for CSV/TSV. */
  delimiter?: string;
  /** Force an encoding instead of detecting it. */
  encoding?: Encoding;
  /** Max sequence length used for the truncation estimate (default 128; 384 for QA). */
  maxLength?: number;
  /** Counts tokens the way the chosen model's tokenizer does; default: an approximate word+punctuation split. */
  countTokens?: (text: string) => number;
  /** Seed and ratios of the automatic split (default 42, 0.8/0.1/0.1). */
  seed?: number;
  ratios?: { train: number; validation: number; test: number };
  /** When the file's own splits have no validation split, carve one out of train (default true). */
  validationFromTrain?: boolean;
  /** Treat every warning as an error: nothing is stored unless the data is spotless. */
  strict?: boolean;
  /** Dataset name (default: the first file's base name). */
  name?: string;
}

export interface ImportHooks {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface LabelCount {
  label: string;
  count: number;
  perSplit: Record<Split, number>;
}

export interface ImportStats {
  rows: number;
  splits: Record<Split, number>;
  /** How each split was decided. */
  splitSource: 'file' | 'auto' | 'mixed';
  /** Classification labels, intents, or NER tags, most frequent first. */
  labels: LabelCount[];
  /** Intent slot tags (BIO), most frequent first. */
  slotLabels: LabelCount[];
  multiLabel: boolean;
  /** Length in tokens: histogram buckets `[from, to)` and summary numbers. */
  lengths: { approximate: boolean; maxLength: number; buckets: { from: number; to: number | null; count: number }[]; mean: number; max: number; overMaxLength: number };
  /** QA only: questions with and without an answer. */
  answerable?: { answerable: number; unanswerable: number };
}

export interface FileInfo {
  file: string;
  format: Format;
  encoding: Encoding;
  delimiter?: string;
  hasHeader?: boolean;
  sheet?: string;
  sheets?: string[];
  columns: string[];
  /** The split this file's name implies (train.csv → train), when several files were given. */
  split?: Split;
  bytes: number;
}

export interface ImportReport {
  ok: boolean;
  task: Task;
  files: FileInfo[];
  mapping: ColumnMapping;
  errors: Problem[];
  warnings: Problem[];
  /** Total counts per problem code, including those not listed (lists are capped). */
  problemCounts: Record<string, number>;
  /** Things the import did that the user should know (carved a validation split, converted IOB1 …). */
  notes: string[];
  stats: ImportStats;
}
