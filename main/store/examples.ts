import type { Store } from './db.ts';
import type { ExampleByTask, Split, StoredExample, Task } from './types.ts';

interface ExampleRow {
  id: number;
  split: Split;
  source_line: number;
  data: string;
}

function toExample<T extends Task>(r: ExampleRow): StoredExample<T> {
  return { ...(JSON.parse(r.data) as ExampleByTask[T]), rowId: r.id, split: r.split, sourceLine: r.source_line } as StoredExample<T>;
}

/** All examples of a dataset (optionally one split), in file order. */
export function loadExamples<T extends Task = Task>(store: Store, datasetId: number, split?: Split): StoredExample<T>[] {
  return [...iterateExamples<T>(store, datasetId, split)];
}

/** The same, one row at a time, for datasets too big to hold twice in memory. */
export function* iterateExamples<T extends Task = Task>(store: Store, datasetId: number, split?: Split): Generator<StoredExample<T>> {
  const stmt = split
    ? store.db.prepare('SELECT id, split, source_line, data FROM examples WHERE dataset_id = ? AND split = ? ORDER BY id')
    : store.db.prepare('SELECT id, split, source_line, data FROM examples WHERE dataset_id = ? ORDER BY id');
  const rows = (split ? stmt.iterate(datasetId, split) : stmt.iterate(datasetId)) as IterableIterator<ExampleRow>;
  for (const r of rows) yield toExample<T>(r);
}

export function countExamples(store: Store, datasetId: number): Record<Split, number> {
  const counts: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  const rows = store.db.prepare('SELECT split, COUNT(*) AS n FROM examples WHERE dataset_id = ? GROUP BY split').all(datasetId) as { split: Split; n: number }[];
  for (const r of rows) counts[r.split] = r.n;
  return counts;
}

/** One example on its way in: `index` is its position in the import (0-based), `data` its JSON payload. */
export interface StagedExample {
  index: number;
  sourceLine: number;
  data: string;
}

/**
 * Holds an import's examples in a connection-private TEMP table while the file is still being
 * read. Writing there takes no lock on the main database, so a long async import never holds
 * a write transaction open across event-loop turns, and a killed process leaves nothing behind:
 * the temp database is discarded with the connection. `insertDatasetFromStaging` then moves the
 * rows in one short transaction.
 */
export interface ExampleStaging {
  readonly table: string;
  readonly count: number;
  add(rows: readonly StagedExample[]): void;
  discard(): void;
}

let stagingSeq = 0;

export function createStaging(store: Store): ExampleStaging {
  const table = `temp.staged_examples_${process.pid}_${++stagingSeq}`;
  store.db.exec(`CREATE TABLE ${table} (idx INTEGER PRIMARY KEY, source_line INTEGER NOT NULL, data TEXT NOT NULL)`);
  const insert = store.db.prepare(`INSERT INTO ${table} (idx, source_line, data) VALUES (?, ?, ?)`);
  const addBatch = store.db.transaction((rows: readonly StagedExample[]) => {
    for (const r of rows) insert.run(r.index, r.sourceLine, r.data);
  });
  let count = 0;
  let dropped = false;
  return {
    table,
    get count() {
      return count;
    },
    add(rows) {
      if (dropped) throw new Error('This import staging area was already discarded.');
      addBatch(rows);
      count += rows.length;
    },
    discard() {
      if (dropped) return;
      dropped = true;
      store.db.exec(`DROP TABLE IF EXISTS ${table}`);
    },
  };
}
