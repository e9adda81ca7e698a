import type { Store } from './db.ts';
import { now, parseJson } from './db.ts';
import type { Baseline, NewBaseline } from './types.ts';

interface BaselineRow {
  run_id: number;
  kind: string;
  validation: string;
  test: string | null;
  extra: string;
  seconds: number;
  model_path: string | null;
  created_at: string;
}

function toBaseline(r: BaselineRow): Baseline {
  return {
    runId: r.run_id,
    kind: r.kind,
    validation: parseJson<Record<string, number>>(r.validation),
    test: r.test === null ? null : parseJson<Record<string, number>>(r.test),
    extra: parseJson<Record<string, unknown>>(r.extra),
    seconds: r.seconds,
    modelPath: r.model_path,
    createdAt: r.created_at,
  };
}

/** Stores (or replaces: a resumed run trains its baseline again) the baseline of a run. */
export function saveBaseline(store: Store, b: NewBaseline): Baseline {
  store.db
    .prepare(
      `INSERT INTO baselines (run_id, kind, validation, test, extra, seconds, model_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(run_id) DO UPDATE SET kind = excluded.kind, validation = excluded.validation, test = excluded.test, extra = excluded.extra, seconds = excluded.seconds, model_path = excluded.model_path, created_at = excluded.created_at`,
    )
    .run(b.runId, b.kind, JSON.stringify(b.validation), b.test ? JSON.stringify(b.test) : null, JSON.stringify(b.extra ?? {}), b.seconds, b.modelPath ?? null, now());
  return getBaseline(store, b.runId) as Baseline;
}

export function getBaseline(store: Store, runId: number): Baseline | undefined {
  const row = store.db.prepare('SELECT * FROM baselines WHERE run_id = ?').get(runId) as BaselineRow | undefined;
  return row && toBaseline(row);
}
