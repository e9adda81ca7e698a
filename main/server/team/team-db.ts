import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The training server's own records, beside the studio store (never inside it, so the desktop
 * app's schema stays the same): who may log in, and which projects each user owns or was given.
 * WAL lets `bert-studio users add/revoke` write while the server reads.
 */
export type TeamDb = Database.Database;

export function teamDir(home: string): string {
  return path.join(home, 'team');
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    token_id TEXT NOT NULL UNIQUE,
    token_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  ) STRICT;
  CREATE TABLE IF NOT EXISTS project_access (
    project_id INTEGER NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'shared')),
    PRIMARY KEY (project_id, user)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS resume_on_start (run_id INTEGER PRIMARY KEY) STRICT;
`;

export function openTeamDb(home: string): TeamDb {
  const dir = teamDir(home);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dir, 'team.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
