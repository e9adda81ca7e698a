import type Database from 'better-sqlite3';
import { initial } from './001-initial.ts';
import { baselines } from './002-baselines.ts';

/** One schema step. `PRAGMA user_version` equals the number of steps applied. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** Ordered; append only. A shipped step is never edited. */
export const MIGRATIONS: readonly Migration[] = [initial, baselines];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Thrown when the database was written by a newer BERT Studio than this one. */
export class NewerDatabaseError extends Error {
  override readonly name = 'NewerDatabaseError';
}

/**
 * Applies every pending step in one transaction, so a crash mid-upgrade leaves the database
 * at its old version rather than half-migrated. Returns how many steps ran.
 */
export function migrate(db: Database.Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const target = MIGRATIONS.length;
  if (current > target) {
    throw new NewerDatabaseError(
      `The database ${file} was written by a newer version of BERT Studio (schema ${current}; this version knows up to ${target}). Update BERT Studio, or use another --home folder.`,
    );
  }
  const pending = MIGRATIONS.slice(current);
  if (pending.length === 0) return 0;
  db.transaction(() => {
    for (const step of pending) db.exec(step.sql);
    db.pragma(`user_version = ${target}`);
  }).immediate();
  return pending.length;
}
