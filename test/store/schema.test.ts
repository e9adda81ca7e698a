import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/db.ts';
import { MIGRATIONS, NewerDatabaseError, SCHEMA_VERSION } from '../../main/store/migrations/index.ts';
import { tempDir } from './helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function home(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('openStore', () => {
  it('creates the home folder and the database with the expected settings', () => {
    const dir = path.join(home(), 'nested', 'home');
    const store = openStore(dir);
    try {
      expect(store.file).toBe(path.join(dir, 'studio.db'));
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      store.close();
    }
  });

  it('every table is STRICT', () => {
    const store = openStore(home());
    try {
      const tables = store.db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all() as { name: string; strict: number }[];
      expect(tables.length).toBe(7);
      for (const t of tables) expect({ name: t.name, strict: t.strict }).toEqual({ name: t.name, strict: 1 });
    } finally {
      store.close();
    }
  });

  it('matches the schema snapshot (a changed schema needs a new migration, never an edited one)', () => {
    const store = openStore(home());
    try {
      const sql = store.db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
      expect(sql).toMatchSnapshot();
    } finally {
      store.close();
    }
  });

  it('reopening is a no-op and keeps data', () => {
    const dir = home();
    const a = openStore(dir);
    a.db.prepare("INSERT INTO projects (name, created_at, updated_at) VALUES ('p', 'x', 'x')").run();
    a.close();
    const b = openStore(dir);
    try {
      expect(b.db.prepare('SELECT COUNT(*) FROM projects').pluck().get()).toBe(1);
    } finally {
      b.close();
    }
  });

  it('refuses a database from a newer version with a sentence saying what to do', () => {
    const dir = home();
    openStore(dir).close();
    const raw = new Database(path.join(dir, 'studio.db'));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStore(dir)).toThrow(NewerDatabaseError);
    expect(() => openStore(dir)).toThrow(/newer version of BERT Studio.*Update BERT Studio/);
  });

  it('applies all pending steps in one transaction: a failing step leaves version 0 and no tables', () => {
    const file = path.join(home(), 'x.db');
    const bad = { name: 'broken', sql: 'CREATE TABLE will_roll_back (a INTEGER) STRICT; THIS IS NOT SQL;' };
    (MIGRATIONS as { name: string; sql: string }[]).push(bad);
    try {
      expect(() => openStore(file)).toThrow();
    } finally {
      (MIGRATIONS as unknown[]).pop();
    }
    const raw = new Database(file);
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(0);
      expect(raw.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'").pluck().get()).toBe(0);
    } finally {
      raw.close();
    }
  });
});
