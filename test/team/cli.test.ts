import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTeamDb } from '../../main/server/team/team-db.ts';
import { userOfToken } from '../../main/server/team/users.ts';
import { runCli } from '../engine/run-cli.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-team-cli-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('bert-studio users', () => {
  it('adds a user with a token shown once and stored hashed, refuses duplicates and bad names, revokes', async () => {
    const added = await runCli(['--home', home, 'users', 'add', 'alice', '--json']);
    expect(added.code).toBe(0);
    const token = added.last.token as string;
    expect(token).toMatch(/^bst_/);
    const db = openTeamDb(home);
    try {
      expect(userOfToken(db, token)).toBe('alice');
      // Only a hash is kept: the token itself is nowhere in the database.
      const raw = fs.readFileSync(path.join(home, 'team', 'team.db')).toString('latin1') + (fs.existsSync(path.join(home, 'team', 'team.db-wal')) ? fs.readFileSync(path.join(home, 'team', 'team.db-wal')).toString('latin1') : '');
      expect(raw).not.toContain(token.slice(-43));
      expect((await runCli(['--home', home, 'users', 'add', 'alice', '--json'])).code).toBe(2);
      expect((await runCli(['--home', home, 'users', 'add', 'Not A Name', '--json'])).code).toBe(2);
      expect((await runCli(['--home', home, 'users', 'share', 'alice', '--project', '7', '--json'])).code).toBe(2);
      expect((await runCli(['--home', home, 'users', 'revoke', 'alice', '--json'])).code).toBe(0);
      expect(userOfToken(db, token)).toBeUndefined();
      expect((await runCli(['--home', home, 'users', 'revoke', 'alice', '--json'])).code).toBe(2);
      expect((await runCli(['--home', home, 'users', 'list', '--json'])).last).toMatchObject({ users: [{ name: 'alice', revokedAt: expect.any(String) }] });
    } finally {
      db.close();
    }
  });
});

describe('bert-studio serve --listen refuses bad settings with a sentence (exit 2)', () => {
  it.each([
    [['--listen', 'nonsense']],
    [['--listen', '0.0.0.0:8443', '--plain-http']],
    [['--listen', '127.0.0.1:0', '--cert', 'c.pem']],
    [['--listen', '127.0.0.1:0', '--cert', '/nope/c.pem', '--key', '/nope/k.pem']],
  ])('%j', async (args) => {
    expect((await runCli(['--home', home, 'serve', ...args, '--json'])).code).toBe(2);
  });
});
