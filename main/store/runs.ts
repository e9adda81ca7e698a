import type { Store } from './db.ts';
import { now, parseJson } from './db.ts';
import type { NewRun, Run, RunStatus, RunUpdate, Task } from './types.ts';
import { touchProject } from './projects.ts';

interface RunRow {
  id: number;
  project_id: number;
  dataset_id: number | null;
  task: Task;
  base_model: string;
  config: string;
  status: RunStatus;
  device: string | null;
  error: string | null;
  stopped_reason: string | null;
  best_epoch: number | null;
  best_metric_name: string | null;
  best_metric: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    projectId: r.project_id,
    datasetId: r.dataset_id,
    task: r.task,
    baseModel: r.base_model,
    config: parseJson<Record<string, unknown>>(r.config),
    status: r.status,
    device: r.device,
    error: r.error,
    stoppedReason: r.stopped_reason,
    bestEpoch: r.best_epoch,
    bestMetricName: r.best_metric_name,
    bestMetric: r.best_metric,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    updatedAt: r.updated_at,
  };
}

/** A new run starts `queued`. */
export function createRun(store: Store, run: NewRun): Run {
  const at = now();
  return store.db
    .transaction(() => {
      const info = store.db
        .prepare(
          `INSERT INTO runs (project_id, dataset_id, task, base_model, config, status, device, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
        )
        .run(run.projectId, run.datasetId, run.task, run.baseModel, JSON.stringify(run.config), run.device ?? null, at, at);
      touchProject(store, run.projectId);
      return getRun(store, Number(info.lastInsertRowid)) as Run;
    })
    .immediate();
}

export function getRun(store: Store, id: number): Run | undefined {
  const row = store.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row && toRun(row);
}

/** Runs of one project (or all), newest first. */
export function listRuns(store: Store, filter: { projectId?: number; status?: RunStatus } = {}): Run[] {
  const where: string[] = [];
  const params: (number | string)[] = [];
  if (filter.projectId !== undefined) {
    where.push('project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC`;
  return (store.db.prepare(sql).all(...params) as RunRow[]).map(toRun);
}

const COLUMNS: Record<keyof RunUpdate, string> = {
  status: 'status',
  device: 'device',
  error: 'error',
  stoppedReason: 'stopped_reason',
  bestEpoch: 'best_epoch',
  bestMetricName: 'best_metric_name',
  bestMetric: 'best_metric',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  config: 'config',
};

/**
 * Changes the given fields. Moving to `running` stamps `startedAt` (first time only); moving to
 * a final status stamps `finishedAt`, unless the caller sets them.
 */
export function updateRun(store: Store, id: number, patch: RunUpdate): Run {
  // Read-modify-write: one transaction so a concurrent writer cannot slip between.
  return store.db.transaction(() => applyRunUpdate(store, id, patch)).immediate();
}

function applyRunUpdate(store: Store, id: number, patch: RunUpdate): Run {
  const at = now();
  const fields: Record<string, unknown> = { ...patch };
  const current = getRun(store, id);
  if (!current) throw new Error(`There is no run with id ${id}.`);
  if (patch.status === 'running' && current.startedAt === null && patch.startedAt === undefined) fields.startedAt = at;
  if (patch.status && ['completed', 'failed', 'cancelled'].includes(patch.status) && patch.finishedAt === undefined) fields.finishedAt = at;
  const sets: string[] = ['updated_at = @updated_at'];
  const params: Record<string, unknown> = { id, updated_at: at };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const column = COLUMNS[key as keyof RunUpdate];
    if (!column) throw new Error(`updateRun: unknown field '${key}'.`);
    sets.push(`${column} = @${column}`);
    params[column] = key === 'config' ? JSON.stringify(value) : value;
  }
  store.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
  return getRun(store, id) as Run;
}

/**
 * Runs left `running` or `queued` by a process that died: marks them failed so the UI does not
 * show them as live. Called at app start, before a trainer is started.
 */
export function failInterruptedRuns(store: Store, message = 'BERT Studio stopped while this run was in progress.'): number {
  const at = now();
  return store.db
    .prepare(`UPDATE runs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE status IN ('running', 'queued')`)
    .run(message, at, at).changes;
}

export function deleteRun(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
}
