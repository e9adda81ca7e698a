import type { Store } from './db.ts';
import { now } from './db.ts';
import type { Project, ProjectSummary, RunStatus } from './types.ts';

interface ProjectRow {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

function toProject(r: ProjectRow): Project {
  return { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Thrown for a name already taken (names are unique, ignoring case). */
export class DuplicateProjectError extends Error {
  override readonly name = 'DuplicateProjectError';
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new Error('A project needs a name.');
  return trimmed;
}

export function createProject(store: Store, name: string): Project {
  const clean = checkName(name);
  if (findProjectByName(store, clean)) throw new DuplicateProjectError(`A project named '${clean}' already exists. Pick another name.`);
  const at = now();
  const info = store.db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)').run(clean, at, at);
  return { id: Number(info.lastInsertRowid), name: clean, createdAt: at, updatedAt: at };
}

export function getProject(store: Store, id: number): Project | undefined {
  const row = store.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
  return row && toProject(row);
}

/** Case-insensitive, like the uniqueness rule. */
export function findProjectByName(store: Store, name: string): Project | undefined {
  const row = store.db.prepare('SELECT * FROM projects WHERE name = ? COLLATE NOCASE').get(name.trim()) as ProjectRow | undefined;
  return row && toProject(row);
}

/** The project with this name, created when missing (the CLI's `--project NAME`). */
export function ensureProject(store: Store, name: string): Project {
  return store.db.transaction(() => findProjectByName(store, name) ?? createProject(store, name)).immediate();
}

interface SummaryRow extends ProjectRow {
  dataset_count: number;
  run_count: number;
  run_id: number | null;
  run_status: RunStatus | null;
  run_created_at: string | null;
  best_metric_name: string | null;
  best_metric: number | null;
}

/** Every project, most recently updated first, with counts and its latest run. */
export function listProjects(store: Store): ProjectSummary[] {
  const rows = store.db
    .prepare(
      `SELECT p.*,
         (SELECT COUNT(*) FROM datasets d WHERE d.project_id = p.id) AS dataset_count,
         (SELECT COUNT(*) FROM runs r WHERE r.project_id = p.id) AS run_count,
         lr.id AS run_id, lr.status AS run_status, lr.created_at AS run_created_at,
         lr.best_metric_name, lr.best_metric
       FROM projects p
       LEFT JOIN runs lr ON lr.id = (SELECT id FROM runs r2 WHERE r2.project_id = p.id ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)
       ORDER BY p.updated_at DESC, p.id DESC`,
    )
    .all() as SummaryRow[];
  return rows.map((r) => ({
    ...toProject(r),
    datasetCount: r.dataset_count,
    runCount: r.run_count,
    lastRun:
      r.run_id === null
        ? null
        : { id: r.run_id, status: r.run_status as RunStatus, createdAt: r.run_created_at as string, bestMetricName: r.best_metric_name, bestMetric: r.best_metric },
  }));
}

export function renameProject(store: Store, id: number, name: string): Project {
  const clean = checkName(name);
  const other = findProjectByName(store, clean);
  if (other && other.id !== id) throw new DuplicateProjectError(`A project named '${clean}' already exists. Pick another name.`);
  const info = store.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(clean, now(), id);
  if (info.changes === 0) throw new Error(`There is no project with id ${id}.`);
  return getProject(store, id) as Project;
}

/** Marks the project as recently used (list order). */
export function touchProject(store: Store, id: number): void {
  store.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(now(), id);
}

/**
 * Deletes the project and, by cascade, its datasets, examples, runs, metrics and artifact
 * rows. Returns the artifact paths so the caller can delete those files from disk.
 */
export function deleteProject(store: Store, id: number): { deleted: boolean; artifactPaths: string[] } {
  return store.db
    .transaction(() => {
      const paths = store.db
        .prepare('SELECT a.path FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE r.project_id = ?')
        .pluck()
        .all(id) as string[];
      const info = store.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
      return { deleted: info.changes > 0, artifactPaths: info.changes > 0 ? paths : [] };
    })
    .immediate();
}
