import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImport, importDataset } from '../../main/data/index.ts';
import type { Store } from '../../main/store/index.ts';
import { openStore } from '../../main/store/index.ts';
import { tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
let store: Store;
let file: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  store = openStore(path.join(dir, 'home'));
  file = path.join(dir, 'medium.csv');
  const lines = ['text,label'];
  for (let i = 0; i < 30_000; i++) lines.push(`ticket ${i} about order ${i % 977},l${i % 5}`);
  fs.writeFileSync(file, lines.join('\n'));
});
afterAll(() => {
  store.close();
  cleanup();
});

const count = (table: string) => store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();

describe('progress and cancellation', () => {
  it('reports progress, and a cancelled import rejects with AbortError and stores nothing', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = importDataset(store, file, { task: 'classification', project: 'p' }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.rows);
        if (p.rows >= 4000) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(0);
    expect([count('projects'), count('datasets'), count('examples')]).toEqual([0, 0, 0]);
    // The staging table went with it.
    expect(store.db.prepare("SELECT COUNT(*) FROM temp.sqlite_schema WHERE name LIKE 'staged_examples%'").pluck().get()).toBe(0);
  });

  it('progress reaches the whole file', async () => {
    let last = { bytesRead: 0, totalBytes: 1, rows: 0 };
    await analyzeImport(file, { task: 'classification' }, { onProgress: (p) => (last = p) });
    expect(last.rows).toBe(30_000);
    expect(last.bytesRead).toBe(last.totalBytes);
  });

  it('re-reads as Windows-1252 when non-UTF-8 bytes appear after the first megabyte', async () => {
    const p = path.join(dir, 'late-latin1.csv');
    const head = ['text,label', ...Array.from({ length: 35_000 }, (_, i) => `plain ascii ticket number ${i},l${i % 3}`)].join('\n');
    fs.writeFileSync(p, Buffer.concat([Buffer.from(head + '\n'), Buffer.from('un caf\xe9 tr\xe8s chaud,l0\n', 'latin1')]));
    expect(fs.statSync(p).size).toBeGreaterThan(1 << 20);
    const { report, dataset } = await importDataset(store, p, { task: 'classification', project: 'latin' });
    expect(report.files[0].encoding).toBe('windows-1252');
    expect(dataset?.rowCount).toBe(35_001);
    const last = store.db.prepare('SELECT data FROM examples WHERE dataset_id = ? ORDER BY id DESC LIMIT 1').pluck().get(dataset?.id) as string;
    expect(JSON.parse(last).text).toBe('un café très chaud');
  });
});
