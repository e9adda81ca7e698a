import type { Migration } from './index.ts';

/**
 * The first schema. Never edit this once shipped: add a new numbered step instead.
 * JSON columns hold small structured values (mappings, label sets, reports, configs, example
 * payloads); everything queried or joined on has its own column.
 */
export const initial: Migration = {
  name: 'initial',
  sql: `
    CREATE TABLE projects (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      task TEXT NOT NULL CHECK (task IN ('classification', 'intent', 'ner', 'qa')),
      source_files TEXT NOT NULL,
      format TEXT NOT NULL,
      encoding TEXT NOT NULL,
      mapping TEXT NOT NULL,
      labels TEXT NOT NULL,
      slot_labels TEXT NOT NULL,
      multi_label INTEGER NOT NULL DEFAULT 0,
      row_count INTEGER NOT NULL,
      splits TEXT NOT NULL,
      report TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX datasets_project ON datasets(project_id);

    CREATE TABLE examples (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
      source_line INTEGER NOT NULL,
      data TEXT NOT NULL
    ) STRICT;
    CREATE INDEX examples_dataset_split ON examples(dataset_id, split);

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      task TEXT NOT NULL CHECK (task IN ('classification', 'intent', 'ner', 'qa')),
      base_model TEXT NOT NULL,
      config TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
      device TEXT,
      error TEXT,
      stopped_reason TEXT,
      best_epoch INTEGER,
      best_metric_name TEXT,
      best_metric REAL,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX runs_project ON runs(project_id, created_at);

    CREATE TABLE metrics (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      epoch REAL NOT NULL,
      split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
      name TEXT NOT NULL,
      value REAL NOT NULL
    ) STRICT;
    CREATE INDEX metrics_run ON metrics(run_id, name, step);

    CREATE TABLE artifacts (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('checkpoint', 'onnx', 'onnx-int8', 'hf')),
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX artifacts_run ON artifacts(run_id);
  `,
};
