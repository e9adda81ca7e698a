import type { Store } from './db.ts';
import { now, parseJson } from './db.ts';
import type { ExampleStaging } from './examples.ts';
import { touchProject } from './projects.ts';
import type { ColumnMapping, Dataset, Split, Task } from './types.ts';
import { SPLITS } from './types.ts';

interface DatasetRow {
  id: number;
  project_id: number;
  name: string;
  task: Task;
  source_files: string;
  format: string;
  encoding: string;
  mapping: string;
  labels: string;
  slot_labels: string;
  multi_label: number;
  row_count: number;
  splits: string;
  report: string;
  created_at: string;
}

function toDataset(r: DatasetRow): Dataset {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    task: r.task,
    sourceFiles: parseJson<string[]>(r.source_files),
    format: r.format,
    encoding: r.encoding,
    mapping: parseJson<ColumnMapping>(r.mapping),
    labels: parseJson<string[]>(r.labels),
    slotLabels: parseJson<string[]>(r.slot_labels),
    multiLabel: r.multi_label === 1,
    rowCount: r.row_count,
    splits: parseJson<Record<Split, number>>(r.splits),
    report: parseJson<unknown>(r.report),
    createdAt: r.created_at,
  };
}

export type NewDataset = Omit<Dataset, 'id' | 'createdAt' | 'rowCount' | 'splits'>;

export function getDataset(store: Store, id: number): Dataset | undefined {
  const row = store.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  return row && toDataset(row);
}

/** Datasets of one project (or all), newest first. */
export function listDatasets(store: Store, filter: { projectId?: number } = {}): Dataset[] {
  const rows =
    filter.projectId === undefined
      ? store.db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, id DESC').all()
      : store.db.prepare('SELECT * FROM datasets WHERE project_id = ? ORDER BY created_at DESC, id DESC').all(filter.projectId);
  return (rows as DatasetRow[]).map(toDataset);
}

/** Deletes a dataset and its examples; runs that used it keep their results (dataset_id → NULL). */
export function deleteDataset(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}

/**
 * The split of each staged row is decided in JS; a SQL function lets SQLite copy the rows in one
 * INSERT … SELECT instead of a JS loop. It is registered once per connection and reads the
 * function of the insert in progress (inserts are synchronous, so one at a time).
 */
const SPLIT_FN = 'bert_studio_split_of';
const registered = new WeakSet<object>();
let currentSplitOf: ((index: number) => Split) | undefined;

function registerSplitFunction(store: Store): void {
  if (registered.has(store.db)) return;
  store.db.function(SPLIT_FN, { deterministic: true }, (index: unknown) => {
    if (!currentSplitOf) throw new Error(`${SPLIT_FN} called outside insertDatasetFromStaging`);
    return currentSplitOf(Number(index));
  });
  registered.add(store.db);
}

/**
 * Writes the dataset row and moves every staged example into `examples`, assigning each its
 * split with `splitOf(index)`, in ONE transaction: either the whole dataset exists afterwards
 * or none of it does. Discards the staging table.
 */
export function insertDatasetFromStaging(store: Store, meta: NewDataset, staging: ExampleStaging, splitOf: (index: number) => Split): Dataset {
  const db = store.db;
  registerSplitFunction(store);
  currentSplitOf = splitOf;
  try {
    const id = db
      .transaction(() => {
        const at = now();
        const info = db
          .prepare(
            `INSERT INTO datasets (project_id, name, task, source_files, format, encoding, mapping, labels, slot_labels, multi_label, row_count, splits, report, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', ?, ?)`,
          )
          .run(
            meta.projectId,
            meta.name,
            meta.task,
            JSON.stringify(meta.sourceFiles),
            meta.format,
            meta.encoding,
            JSON.stringify(meta.mapping),
            JSON.stringify(meta.labels),
            JSON.stringify(meta.slotLabels),
            meta.multiLabel ? 1 : 0,
            JSON.stringify(meta.report),
            at,
          );
        const datasetId = Number(info.lastInsertRowid);
        db.prepare(`INSERT INTO examples (dataset_id, split, source_line, data) SELECT ?, ${SPLIT_FN}(idx), source_line, data FROM ${staging.table} ORDER BY idx`).run(datasetId);
        const splits: Record<Split, number> = { train: 0, validation: 0, test: 0 };
        const counted = db.prepare('SELECT split, COUNT(*) AS n FROM examples WHERE dataset_id = ? GROUP BY split').all(datasetId) as { split: Split; n: number }[];
        for (const c of counted) splits[c.split] = c.n;
        const total = SPLITS.reduce((s, k) => s + splits[k], 0);
        db.prepare('UPDATE datasets SET row_count = ?, splits = ? WHERE id = ?').run(total, JSON.stringify(splits), datasetId);
        touchProject(store, meta.projectId);
        return datasetId;
      })
      .immediate();
    return getDataset(store, id) as Dataset;
  } finally {
    currentSplitOf = undefined;
    staging.discard();
  }
}
