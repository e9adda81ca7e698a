import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { getProject, type Store } from '../../store/index.ts';
import { ProjectAccess } from './access.ts';
import type { TeamDb } from './team-db.ts';

/** Names are also shown in logs and prefixed to project names: letters, digits, `.`, `_`, `-`. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

export class TeamUserError extends Error {
  override name = 'UserError';
}

export interface TeamUser {
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function checkUserName(name: string): string {
  if (!NAME.test(name)) throw new TeamUserError(`'${name}' is not a valid user name: use 1–40 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  return name;
}

/**
 * Creates a user (or gives a revoked one a new token) and returns the token, shown once. Only
 * the SHA-256 of its secret is stored: the secret is 256 random bits, so a fast hash is enough
 * (no dictionary to guess from) and a copied team.db does not let anyone log in.
 */
export function addUser(db: TeamDb, name: string): string {
  checkUserName(name);
  const existing = db.prepare('SELECT revoked_at FROM users WHERE name = ?').get(name) as { revoked_at: string | null } | undefined;
  if (existing && existing.revoked_at === null) throw new TeamUserError(`The user '${name}' already exists. Revoke the old token first: bert-studio users revoke ${name}`);
  const tokenId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const at = new Date().toISOString();
  db.prepare(
    `INSERT INTO users (name, token_id, token_sha256, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
     ON CONFLICT (name) DO UPDATE SET token_id = excluded.token_id, token_sha256 = excluded.token_sha256, created_at = excluded.created_at, revoked_at = NULL`,
  ).run(name, tokenId, sha256(secret), at);
  return `bst_${tokenId}_${secret}`;
}

export function revokeUser(db: TeamDb, name: string): void {
  const changed = db.prepare('UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(new Date().toISOString(), name).changes;
  if (changed === 0) throw new TeamUserError(`There is no active user '${name}'. List them with: bert-studio users list`);
}

export function listUsers(db: TeamDb): TeamUser[] {
  return (db.prepare('SELECT name, created_at, revoked_at FROM users ORDER BY name').all() as { name: string; created_at: string; revoked_at: string | null }[]).map((r) => ({
    name: r.name,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * The user a token belongs to, or undefined. Read from the database on every call, so a revoke
 * takes effect on the next request without restarting the server. The token id only finds the
 * row; the secret is compared in constant time.
 */
export function userOfToken(db: TeamDb, token: string): string | undefined {
  const m = /^bst_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const row = db.prepare('SELECT name, token_sha256 FROM users WHERE token_id = ? AND revoked_at IS NULL').get(m[1]) as { name: string; token_sha256: string } | undefined;
  if (!row) return undefined;
  const given = Buffer.from(sha256(m[2] ?? ''), 'hex');
  const stored = Buffer.from(row.token_sha256, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? row.name : undefined;
}

/** Gives an active user read and train access to a project (its owner keeps rename and delete). */
export function shareProject(db: TeamDb, store: Store, projectId: number, name: string): void {
  const user = db.prepare('SELECT name FROM users WHERE name = ? AND revoked_at IS NULL').get(name) as { name: string } | undefined;
  if (!user) throw new TeamUserError(`There is no active user '${name}'. List them with: bert-studio users list`);
  if (!getProject(store, projectId)) throw new TeamUserError(`There is no project ${projectId}. List them with: bert-studio projects`);
  const access = new ProjectAccess(db, store);
  if (access.roleOf(projectId, name) === 'owner') throw new TeamUserError(`${name} already owns project ${projectId}.`);
  access.grant(projectId, name, 'shared');
}
