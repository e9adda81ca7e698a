import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, ROOT, runCli, tableCounts, tempDir } from './helpers.ts';

/** Writes an n-row classification CSV (moderate size: this is the only test with a big file). */
function writeBigCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'text,label\n');
    const labels = ['billing', 'technical', 'sales', 'account'];
    let chunk: string[] = [];
    for (let i = 0; i < rows; i++) {
      chunk.push(`"Customer ${i} wrote about order ${i * 31 % 9973}, asking ""why"" it is late",${labels[i % 4]}`);
      if (chunk.length === 10_000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

let home: string;
let cleanup: () => void;
let big: string;
beforeAll(() => {
  ({ dir: home, cleanup } = tempDir());
  big = path.join(home, 'big.csv');
  writeBigCsv(big, 200_000);
});
afterAll(() => cleanup());

describe('a killed import', () => {
  it('leaves the store consistent and without the partial dataset', async () => {
    const seeded = await runCli(['--home', home, 'import', path.join(FIXTURES, 'good.csv'), '--task', 'classification']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const before = tableCounts(home);

    const child = spawn(process.execPath, [CLI, '--home', home, 'import', big, '--task', 'classification', '--project', 'Big'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Kill as soon as the import reports progress: rows are being read and staged.
    const progressed = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('Reading big.csv')) resolve(true);
      });
      child.on('close', () => resolve(false));
    });
    expect(progressed, `the import ended before it could be killed: ${stderr}`).toBe(true);
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');

    expect(tableCounts(home)).toEqual(before);
    const db = new Database(path.join(home, 'studio.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT COUNT(*) FROM projects WHERE name = 'Big'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }

    // The store still works: the same import, left alone, completes.
    const again = await runCli(['--home', home, 'import', big, '--task', 'classification', '--project', 'Big', '--json'], 180_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json?.rows).toBe(200_000);
    expect(tableCounts(home).examples).toBe(before.examples + 200_000);
  }, 240_000);
});
