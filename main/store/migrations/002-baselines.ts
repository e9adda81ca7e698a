import type { Migration } from './index.ts';

/**
 * Each run's baseline (issue 15): the quick model trained on the same splits before BERT
 * starts, its metrics on validation and test, and where its fitted model lives (null for
 * baselines that are not exported). One row per run, gone with the run.
 */
export const baselines: Migration = {
  name: 'baselines',
  sql: `
    CREATE TABLE baselines (
      run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      validation TEXT NOT NULL,
      test TEXT,
      extra TEXT NOT NULL,
      seconds REAL NOT NULL,
      model_path TEXT,
      created_at TEXT NOT NULL
    ) STRICT;
  `,
};
