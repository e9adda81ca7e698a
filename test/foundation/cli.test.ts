import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHome, defaultHome } from '../../main/home.ts';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/bert-studio.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bert-studio CLI', () => {
  it('--version prints the package version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists the commands and global options', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Commands:/);
    expect(r.stdout).toMatch(/\bserve\b/);
    expect(r.stdout).toMatch(/--home DIR/);
  });

  it('a wrong flag exits 2 with a one-line message', () => {
    const r = cli(['serve', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Unknown option '--no-such-flag'/);
  });

  it('an unknown command exits 2', () => {
    const r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown command 'frobnicate'/);
  });

  it('--home without a folder exits 2', () => {
    expect(cli(['serve', '--home']).code).toBe(2);
  });
});

describe('home folder', () => {
  it('prefers --home, then BERT_STUDIO_HOME, then the OS default', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'bs-home-'));
    expect(resolveHome(tmp, { BERT_STUDIO_HOME: '/elsewhere' })).toBe(tmp);
    expect(resolveHome(undefined, { BERT_STUDIO_HOME: tmp })).toBe(tmp);
    expect(resolveHome(undefined, { XDG_CONFIG_HOME: '/x' })).toBe(defaultHome({ XDG_CONFIG_HOME: '/x' }));
  });

  it('uses the per-user app-data folder of each OS', () => {
    expect(defaultHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/BERT Studio$/);
    expect(defaultHome({}, 'darwin')).toMatch(/Library\/Application Support\/BERT Studio$/);
    expect(defaultHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/BERT Studio');
  });
});

describe('command registry', () => {
  it('lists each command with the summary its module declares, and names match', async () => {
    const { COMMANDS } = await import('../../main/cli/commands/index.ts');
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
    }
  });
});
