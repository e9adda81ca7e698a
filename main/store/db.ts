import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations/index.ts';

export const DB_FILE_NAME = 'studio.db';

/** An open project store. All repository functions take it as their first argument. */
export interface Store {
  readonly db: Database.Database;
  /** The database file's absolute path. */
  readonly file: string;
  close(): void;
}

/**
 * Opens (creating if needed) the store: `target` is the home folder (the database is
 * `studio.db` inside it, and the folder is created) or a path ending in `.db`.
 * Migrates to the current schema; refuses a database from a newer version.
 */
export function openStore(target: string): Store {
  const file = path.resolve(target.endsWith('.db') ? target : path.join(target, DB_FILE_NAME));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // WAL lets the UI read while an import or the trainer writes; NORMAL is durable across
    // application crashes (only an OS crash can lose the last commits) and much faster than FULL.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Two processes (CLI + app) may share a home: wait for a writer rather than fail at once.
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  let closed = false;
  return {
    db,
    file,
    close() {
      if (closed) return;
      closed = true;
      // Lets SQLite refresh its planner statistics for the queries this connection ran.
      db.pragma('optimize');
      db.close();
    },
  };
}

/** The current time as stored: ISO 8601 UTC with milliseconds. */
export function now(): string {
  return new Date().toISOString();
}

/** Parses a JSON column written by this module. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
