/**
 * THE seam between the API services and the core modules (main/data, main/models, main/train,
 * main/export…), which are written in parallel. Each port is what a service needs, in the API's
 * own shapes; `wiring.ts` fills it from the real modules. A port left undefined makes its
 * commands answer `unavailable` with the name of the missing function — never a fake result.
 */
import type { Store } from '../../store/index.ts';
import type {
  BaseModel,
  CatalogEntry,
  ColumnMapping,
  EvalExample,
  Evaluation,
  ExportArtifact,
  ExportFormat,
  FilePreview,
  ImportReport,
  ModelInfo,
  Prediction,
  RunEvaluationPoint,
  RunPlan,
  RunProgress,
  SplitName,
  SplitSettings,
  TaskKind,
  TrainSettings,
} from '../types.ts';

export interface ImportRequest {
  projectId: number;
  path: string;
  task: TaskKind;
  mapping: ColumnMapping;
  splits: SplitSettings;
  sheet?: string;
  name?: string;
}

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'storing' | 'done';
  rows: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface JobHooks<P> {
  onProgress(p: P): void;
  signal: AbortSignal;
}

export interface ImportPort {
  preview(path: string, opts: { sheet?: string }): Promise<FilePreview>;
  /** The report without storing anything. */
  analyze(store: Store, req: ImportRequest, hooks: JobHooks<ImportProgress>): Promise<ImportReport>;
  /** Stores the dataset in one transaction, or throws with the report's errors and stores nothing. */
  commit(store: Store, req: ImportRequest, hooks: JobHooks<ImportProgress>): Promise<{ datasetId: number; report: ImportReport }>;
  /** The stored `datasets.report` column → the API's report shape. */
  reportOf(stored: unknown): ImportReport | undefined;
}

export interface DownloadProgress {
  file: string;
  received: number;
  total: number;
}

export interface ModelsPort {
  cached(home: string): Promise<ModelInfo[]>;
  catalog(home: string): Promise<CatalogEntry[]>;
  addFolder(home: string, folder: string): Promise<ModelInfo>;
  /** Absent when the hub downloader is not in this build. */
  download?(home: string, repo: string, revision: string | undefined, hooks: JobHooks<DownloadProgress>): Promise<ModelInfo>;
}

export interface StartRunRequest {
  projectId: number;
  datasetId: number;
  task: TaskKind;
  base: BaseModel;
  settings: TrainSettings;
}

export interface TrainerHooks {
  onProgress(p: RunProgress): void;
  onEvaluation(e: RunEvaluationPoint): void;
  /** The device and batch plan the trainer chose, already stored with the run. */
  onPlan(runId: number, plan: RunPlan): void;
  /** Called whenever the run's row in the store changed status (running, paused, finished…). */
  onStatus(runId: number): void;
}

/** A run in progress in this process. */
export interface RunHandle {
  readonly runId: number;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Settles when the run has stopped for any reason (its row says which). */
  readonly done: Promise<void>;
}

export interface TrainerPort {
  /** Creates the run row, starts training in the background and returns at once. */
  start(store: Store, home: string, req: StartRunRequest, hooks: TrainerHooks): Promise<RunHandle>;
  /** Continues a paused or interrupted run from its last checkpoint. */
  resumeFromCheckpoint?(store: Store, home: string, runId: number, hooks: TrainerHooks): Promise<RunHandle>;
}

export interface EvaluationPort {
  evaluate(store: Store, home: string, runId: number, split: SplitName): Promise<Evaluation>;
  cell(store: Store, home: string, runId: number, split: SplitName, gold: string, predicted: string, limit: number): Promise<EvalExample[]>;
}

export interface PredictPort {
  predict(store: Store, home: string, runId: number, input: { text?: string; question?: string; context?: string }): Promise<Prediction>;
}

export interface ExportPort {
  exportRun(store: Store, home: string, runId: number, format: ExportFormat, folder: string, hooks: JobHooks<{ phase: string; fraction: number }>): Promise<ExportArtifact>;
}

export interface Core {
  import?: ImportPort;
  models?: ModelsPort;
  trainer?: TrainerPort;
  evaluation?: EvaluationPort;
  predict?: PredictPort;
  export?: ExportPort;
  /** Frees what the ports keep loaded (models held for evaluation and "Try it"). */
  close?(): Promise<void>;
}
