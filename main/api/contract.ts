/**
 * THE contract between the UI and the core: every command with its parameter schema (checked at
 * the boundary) and result type, and every event the core pushes. Both transports — Electron IPC
 * (electron/ipc.ts, electron/preload.ts) and WebSocket (main/server/ws.ts) — are generated from
 * COMMANDS and EVENTS below; nothing else crosses the process boundary.
 */
import { arr, bool, id, int, num, obj, oneOf, opt, refine, str, type, union, type Infer, type Schema } from './schema.ts';
import type * as T from './types.ts';

const task = oneOf(['classification', 'ner', 'qa', 'intent'] as const);
const split = oneOf(['train', 'validation', 'test'] as const);
const projectName = str({ min: 1, max: 120, trim: true });
const filePath = str({ min: 1, max: 4096 });

const mapping = obj({
  text: opt(str({ max: 200 })),
  label: opt(str({ max: 200 })),
  tokens: opt(str({ max: 200 })),
  tags: opt(str({ max: 200 })),
  context: opt(str({ max: 200 })),
  question: opt(str({ max: 200 })),
  answer: opt(str({ max: 200 })),
  answerStart: opt(str({ max: 200 })),
  intent: opt(str({ max: 200 })),
  slots: opt(str({ max: 200 })),
  id: opt(str({ max: 200 })),
  split: opt(str({ max: 200 })),
  labelSep: opt(str({ min: 1, max: 5 })),
}, { labelSep: 'label separator', answerStart: 'answer start column' }, { flat: true });

const splitSettings = obj({
  mode: oneOf(['file', 'random'] as const),
  train: num({ min: 0.05, max: 0.98 }),
  validation: num({ min: 0.01, max: 0.5 }),
  test: num({ min: 0, max: 0.5 }),
  seed: int({ min: 0, max: 2 ** 31 - 1 }),
}, { train: 'train share', validation: 'validation share', test: 'test share', seed: 'split seed' }, { flat: true });

const importRequest = obj(
  {
    projectId: id(),
    path: filePath,
    task,
    mapping,
    splits: splitSettings,
    sheet: opt(str({ max: 200 })),
    name: opt(str({ min: 1, max: 120, trim: true })),
    /** Chosen by the client so it can match progress events and cancel. */
    jobId: opt(str({ min: 1, max: 64 })),
  },
  { projectId: 'project', path: 'file', mapping: 'column mapping', splits: 'split settings' },
);

/** Below this the runtime alone (Node + ONNX Runtime, ~200 MiB) does not fit: no model could train. */
export const MIN_MEMORY_MIB = 256;

const settingsFields = obj(
  {
    epochs: int({ min: 1, max: 200 }),
    batchSize: int({ min: 1, max: 1024 }),
    lr: num({ min: 1e-7, max: 1 }),
    maxLength: int({ min: 8, max: 512 }),
    warmupRatio: num({ min: 0, max: 0.5 }),
    weightDecay: num({ min: 0, max: 1 }),
    patience: int({ min: 0, max: 100 }),
    minDelta: num({ min: 0, max: 1 }),
    maxGradNorm: num({ min: 0, max: 100 }),
    seed: int({ min: 0, max: 2 ** 31 - 1 }),
    stride: int({ min: 0, max: 256 }),
    // 4 TiB: far above any desktop; the service also refuses more than this computer has.
    maxMemoryMiB: opt(int({ min: 1, max: 4 * 2 ** 20 })),
    microBatch: opt(int({ min: 1, max: 1024 })),
    freezeEmbeddings: opt(bool()),
    // BERT-large has 24 layers; the service checks the number against the chosen model.
    freezeLayers: opt(int({ min: 0, max: 47 })),
    // 'auto' (the default): a verified hardware GPU, else the CPU; the service checks a GPU asked for by name against the probe.
    device: opt(oneOf(['auto', 'cpu', 'webgpu'] as const)),
    // 'auto' (the default): mixed precision on GPUs with half-precision shaders, else fp32.
    precision: opt(oneOf(['auto', 'fp32', 'fp16'] as const)),
  },
  {
    batchSize: 'batch size',
    lr: 'learning rate',
    maxLength: 'max length',
    warmupRatio: 'warmup share',
    weightDecay: 'weight decay',
    minDelta: 'minimum improvement',
    maxGradNorm: 'gradient clipping norm',
    stride: 'QA window overlap',
    maxMemoryMiB: 'memory limit (MiB)',
    microBatch: 'examples per pass (micro-batch)',
    freezeEmbeddings: 'freeze word embeddings option',
    freezeLayers: 'number of frozen layers',
    device: 'training device',
    precision: 'precision',
  },
  { flat: true },
);

/** Rules across fields, and limits that need a reason a user can act on. */
export const trainSettings = refine(settingsFields, (s) => {
  if (s.maxMemoryMiB !== undefined && s.maxMemoryMiB < MIN_MEMORY_MIB)
    return `The memory limit must be at least ${MIN_MEMORY_MIB} MiB: the training runtime alone needs about 200 MiB. Raise it, or leave it empty for the default (half of this computer's memory).`;
  if (s.microBatch !== undefined && s.microBatch > s.batchSize)
    return `The examples per pass (${s.microBatch}) must be at most the batch size (${s.batchSize}): each batch is split into passes of that many examples. Lower it, or leave it empty to let the memory limit choose.`;
  return undefined;
});

export const baseModel = union({
  pretrained: obj({ modelId: str({ min: 1, max: 500 }) }),
  scratch: obj({ size: oneOf(['tiny', 'mini', 'small'] as const) }),
});

const runId = obj({ runId: id() }, { runId: 'run' });
const none = obj({});

interface Command<P, R> {
  params: Schema<P>;
  result: Schema<R>;
  /** Long-running commands get a longer client timeout (ms). */
  timeoutMs?: number;
}
const cmd = <P, R>(params: Schema<P>, result: Schema<R>, timeoutMs?: number): Command<P, R> => ({ params, result, timeoutMs });
const LONG = 30 * 60_000;

export const COMMANDS = {
  'app.info': cmd(none, type<T.AppInfo>()),

  'projects.list': cmd(none, type<T.ProjectSummary[]>()),
  'projects.create': cmd(obj({ name: projectName }), type<T.ProjectSummary>()),
  'projects.rename': cmd(obj({ projectId: id(), name: projectName }, { projectId: 'project' }), type<T.ProjectSummary>()),
  'projects.delete': cmd(obj({ projectId: id() }, { projectId: 'project' }), type<{ deleted: true }>()),

  'samples.list': cmd(none, type<T.SampleInfo[]>()),
  /** Creates a project named after the sample and imports it: the "Try a sample" button. */
  'samples.open': cmd(obj({ sampleId: str({ min: 1, max: 64 }) }, { sampleId: 'sample' }), type<{ project: T.ProjectSummary; dataset: T.DatasetSummary }>(), LONG),

  /** Browser mode sends a picked file in chunks to a temporary file next to the store. */
  'uploads.begin': cmd(obj({ fileName: str({ min: 1, max: 255 }), size: int({ min: 1, max: 2 ** 31 }) }, { fileName: 'file name', size: 'file size' }), type<T.UploadTicket>()),
  'uploads.chunk': cmd(obj({ uploadId: str({ min: 1, max: 64 }), offset: int({ min: 0 }), base64: str({ min: 1, max: 2_000_000 }) }), type<{ received: number }>()),
  'uploads.finish': cmd(obj({ uploadId: str({ min: 1, max: 64 }) }), type<{ path: string }>()),

  'import.preview': cmd(obj({ path: filePath, sheet: opt(str({ max: 200 })) }, { path: 'file' }), type<T.FilePreview>(), LONG),
  'import.analyze': cmd(importRequest, type<T.ImportReport>(), LONG),
  'import.commit': cmd(importRequest, type<{ dataset: T.DatasetSummary; report: T.ImportReport }>(), LONG),
  'import.cancel': cmd(obj({ jobId: str({ min: 1, max: 64 }) }), type<{ cancelled: boolean }>()),

  'datasets.list': cmd(obj({ projectId: id() }, { projectId: 'project' }), type<T.DatasetSummary[]>()),
  'datasets.get': cmd(obj({ datasetId: id() }, { datasetId: 'dataset' }), type<T.DatasetDetail>()),
  'datasets.delete': cmd(obj({ datasetId: id() }, { datasetId: 'dataset' }), type<{ deleted: true }>()),

  'models.list': cmd(none, type<{ cached: T.ModelInfo[]; catalog: T.CatalogEntry[] }>()),
  'models.addFolder': cmd(obj({ path: filePath }, { path: 'folder' }), type<T.ModelInfo>(), LONG),
  'models.download': cmd(obj({ repo: str({ min: 3, max: 200 }), revision: opt(str({ min: 1, max: 100 })) }), type<T.ModelInfo>(), 6 * 60 * 60_000),
  'models.cancelDownload': cmd(obj({ repo: str({ min: 3, max: 200 }) }), type<{ cancelled: boolean }>()),

  /** The presets' estimates; with `settings`, also the estimate of those (and their memory options apply to every preset). */
  'runs.estimate': cmd(obj({ datasetId: id(), base: baseModel, settings: opt(trainSettings) }, { datasetId: 'dataset', base: 'base model', settings: 'settings' }), type<T.Estimate>(), 120_000),
  'runs.start': cmd(obj({ datasetId: id(), base: baseModel, settings: trainSettings }, { datasetId: 'dataset', base: 'base model', settings: 'settings' }), type<T.RunSummary>()),
  'runs.pause': cmd(runId, type<T.RunSummary>()),
  'runs.resume': cmd(runId, type<T.RunSummary>()),
  'runs.cancel': cmd(runId, type<T.RunSummary>()),
  'runs.get': cmd(runId, type<T.RunDetail>()),
  'runs.list': cmd(obj({ projectId: id() }, { projectId: 'project' }), type<T.RunSummary[]>()),
  'runs.metrics': cmd(runId, type<T.MetricPoint[]>()),

  'evaluation.get': cmd(obj({ runId: id(), split: opt(split) }, { runId: 'run' }), type<T.Evaluation>(), LONG),
  'evaluation.cell': cmd(obj({ runId: id(), split: opt(split), gold: str({ max: 500 }), predicted: str({ max: 500 }), limit: opt(int({ min: 1, max: 200 })) }, { runId: 'run' }), type<T.EvalExample[]>(), LONG),

  'predict.run': cmd(obj({ runId: id(), text: opt(str({ min: 1, max: 20_000 })), question: opt(str({ min: 1, max: 2_000 })), context: opt(str({ min: 1, max: 50_000 })) }, { runId: 'run' }), type<T.Prediction>(), 120_000),

  'export.start': cmd(obj({ runId: id(), formats: arr(oneOf(['onnx', 'onnx-int8', 'hf'] as const), { min: 1, max: 3 }), folder: opt(filePath) }, { runId: 'run', formats: 'export formats' }), type<T.ExportJob>()),
  'export.list': cmd(runId, type<T.ExportArtifact[]>()),
  /** The run's keyword baseline as ONNX, checked in ONNX Runtime (issue 15). */
  'export.baseline': cmd(obj({ runId: id(), folder: opt(filePath) }, { runId: 'run' }), type<T.BaselineExport>(), LONG),

  /** Desktop only: native dialogs. Browser mode answers `unsupported` and the UI uses an upload. */
  'system.pickPath': cmd(obj({ purpose: oneOf(['import-file', 'model-folder', 'export-folder'] as const) }), type<{ path: string | null }>(), LONG),
  'system.showInFolder': cmd(obj({ path: filePath }), type<{ shown: boolean }>()),
  /** The compute devices and why each GPU provider is or is not used (probed once per process). */
  'system.devices': cmd(none, type<T.DeviceReport>(), 120_000),
  /** NVIDIA CUDA for training: whether it can be enabled here, is installed, and runs in this process. */
  'system.cuda': cmd(none, type<T.CudaStatus>()),
  /** "Enable NVIDIA CUDA": downloads and installs ONNX Runtime's CUDA provider into the home (progress: `cuda.install`). */
  'system.enableCuda': cmd(none, type<T.CudaStatus>(), 6 * 60 * 60_000),
  /** Stops the install; the partial download stays, and the next Enable resumes it. */
  'system.cancelCuda': cmd(none, type<{ cancelled: boolean }>()),

  /** The run as a transformers.Trainer job for a cluster (main/cluster); default folder: exports/run-N-job. */
  'runs.exportJob': cmd(obj({ runId: id(), folder: opt(filePath) }, { runId: 'run', folder: 'folder' }), type<T.ExportedClusterJob>(), LONG),
  /** "Import a trained model": an exported job's output/model back as a run, evaluated on the source run's splits. */
  'models.importTrained': cmd(obj({ path: filePath }, { path: 'folder' }), type<T.ImportedTrainedRun>(), LONG),

  /** A team training server (`bert-studio serve --listen`): while connected, the other commands run there (main/remote). */
  'server.status': cmd(none, type<T.TrainingServerStatus>()),
  'server.connect': cmd(obj({ url: str({ min: 8, max: 500, trim: true }), token: str({ min: 10, max: 200, trim: true }), fingerprint: opt(str({ max: 200, trim: true })) }, { url: 'server address', token: 'access token', fingerprint: 'certificate fingerprint' }), type<T.TrainingServerStatus>(), 60_000),
  'server.disconnect': cmd(none, type<T.TrainingServerStatus>()),
  /** Copies a run's trained model from the training server into this computer's store (a run of the project "From training server"). */
  'server.downloadModel': cmd(obj({ runId: id() }, { runId: 'run' }), type<T.DownloadedModel>(), LONG),
} as const;

export type CommandName = keyof typeof COMMANDS;
export type ParamsOf<C extends CommandName> = Infer<(typeof COMMANDS)[C]['params']>;
export type ResultOf<C extends CommandName> = Infer<(typeof COMMANDS)[C]['result']>;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** Events pushed by the core to every window/page. */
export const EVENTS = {
  'import.progress': type<{ jobId: string; phase: 'reading' | 'checking' | 'storing' | 'done'; rows: number; bytesRead: number; bytesTotal: number }>(),
  'run.progress': type<T.RunProgress>(),
  'run.evaluation': type<T.RunEvaluationPoint>(),
  'run.status': type<T.RunSummary>(),
  /** The trainer's device and batch plan, once per start or resume of a run. */
  'run.plan': type<{ runId: number; plan: T.RunPlan }>(),
  'models.download': type<{ repo: string; file: string; received: number; total: number; done: boolean; error?: string }>(),
  'cuda.install': type<T.CudaInstallProgress>(),
  'export.progress': type<{ jobId: string; runId: number; format: T.ExportFormat | null; phase: string; fraction: number; done: boolean; artifacts?: T.ExportArtifact[]; error?: string }>(),
  'evaluation.ready': type<{ runId: number; split: T.SplitName }>(),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventData<E extends EventName> = Infer<(typeof EVENTS)[E]>;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** What a service method may throw to send `{code, message}` to the UI: message is a sentence for a user. */
export type ErrorCode = 'invalid_request' | 'forbidden' | 'not_found' | 'conflict' | 'unsupported' | 'unavailable' | 'cancelled' | 'data_error' | 'internal';

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: string[];
}

/** Wire messages, identical over IPC and WebSocket. */
export interface RequestMessage<C extends CommandName = CommandName> {
  id: number;
  method: C;
  params: ParamsOf<C>;
}
export type ResponseMessage = { id: number; result: unknown } | { id: number; error: ApiError };
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  data: EventData<E>;
}

/** The IPC channel names: one for requests, one for events. The preload allows exactly these. */
export const IPC_REQUEST_CHANNEL = 'bert-studio:request';
export const IPC_EVENT_CHANNEL = 'bert-studio:event';

// Re-exported so the renderer imports one module for the whole API surface.
export type * from './types.ts';
