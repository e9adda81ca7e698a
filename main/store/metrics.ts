import type { Store } from './db.ts';
import type { Metric, MetricSplit, NewMetric } from './types.ts';

/** Writes many metric points in one transaction (call once per logging interval, not per value). */
export function appendMetrics(store: Store, runId: number, points: readonly NewMetric[]): void {
  if (points.length === 0) return;
  const insert = store.db.prepare('INSERT INTO metrics (run_id, step, epoch, split, name, value) VALUES (?, ?, ?, ?, ?, ?)');
  store.db.transaction(() => {
    for (const p of points) {
      if (!Number.isFinite(p.value)) continue; // NaN/Infinity cannot be charted; the trainer reports divergence itself.
      insert.run(runId, p.step, p.epoch, p.split, p.name, p.value);
    }
  })();
}

/** A run's metrics in step order, optionally only one name or split. */
export function listMetrics(store: Store, runId: number, filter: { name?: string; split?: MetricSplit; afterStep?: number } = {}): Metric[] {
  const where = ['run_id = ?'];
  const params: (string | number)[] = [runId];
  if (filter.name !== undefined) {
    where.push('name = ?');
    params.push(filter.name);
  }
  if (filter.split !== undefined) {
    where.push('split = ?');
    params.push(filter.split);
  }
  if (filter.afterStep !== undefined) {
    where.push('step > ?');
    params.push(filter.afterStep);
  }
  const rows = store.db
    .prepare(`SELECT run_id AS runId, step, epoch, split, name, value FROM metrics WHERE ${where.join(' AND ')} ORDER BY step, rowid`)
    .all(...params);
  return rows as Metric[];
}
