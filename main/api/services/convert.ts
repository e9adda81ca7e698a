/** Store rows → API shapes. The API keeps its own types so the UI does not change when a table does. */
import type { DatasetDetail, DatasetSummary, ImportReport, ProjectSummary, RunDetail, RunSummary, TrainSettings, BaseModel } from '../types.ts';
import type { Dataset, ProjectSummary as StoreProjectSummary, Run } from '../../store/index.ts';
import { storedPlan } from './run-plan.ts';

export function projectSummary(p: StoreProjectSummary): ProjectSummary {
  const lr = p.lastRun;
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    datasets: p.datasetCount,
    ...(lr
      ? {
          lastRun: { id: lr.id, status: lr.status, createdAt: lr.createdAt },
          ...(lr.bestMetricName !== null && lr.bestMetric !== null ? { bestMetric: { name: lr.bestMetricName, value: lr.bestMetric } } : {}),
        }
      : {}),
  };
}

export function datasetSummary(d: Dataset): DatasetSummary {
  return {
    id: d.id,
    projectId: d.projectId,
    name: d.name,
    fileName: d.sourceFiles.join(', '),
    format: d.format,
    task: d.task,
    rows: d.rowCount,
    labels: d.labels,
    createdAt: d.createdAt,
  };
}

const EMPTY_REPORT: ImportReport = { ok: true, format: '', encoding: '', errors: [], warnings: [], problemCounts: {}, notes: [], mapping: {}, stats: { rows: 0, splits: {}, labels: [], lengths: [] } };

export function datasetDetail(d: Dataset, report: ImportReport | undefined): DatasetDetail {
  return { ...datasetSummary(d), mapping: d.mapping, report: report ?? { ...EMPTY_REPORT, format: d.format, encoding: d.encoding } };
}

/** The run's config column holds the trainer's RunSpec: `{ task, base, hp, preset? }`. */
export function runSummary(r: Run): RunSummary {
  return {
    id: r.id,
    projectId: r.projectId,
    datasetId: r.datasetId ?? 0,
    task: r.task,
    status: r.status,
    baseModel: r.baseModel,
    createdAt: r.createdAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.bestMetricName !== null && r.bestMetric !== null ? { best: { name: r.bestMetricName, value: r.bestMetric } } : {}),
    ...(r.stoppedReason ? { stoppedReason: r.stoppedReason } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function runDetail(r: Run): RunDetail {
  const cfg = r.config as { base?: { kind: string; size?: string; dir?: string }; hp?: TrainSettings; settings?: TrainSettings; bestStep?: number };
  const base: BaseModel =
    cfg.base?.kind === 'scratch' ? { kind: 'scratch', size: (cfg.base.size ?? 'tiny') as 'tiny' } : { kind: 'pretrained', modelId: cfg.base?.dir ?? r.baseModel };
  const plan = storedPlan(r.config);
  return {
    ...runSummary(r),
    settings: (cfg.hp ?? cfg.settings ?? r.config) as TrainSettings,
    base,
    ...(r.device ? { device: r.device } : {}),
    ...(plan ? { plan } : {}),
    ...(typeof cfg.bestStep === 'number' ? { bestStep: cfg.bestStep } : {}),
  };
}
