/**
 * Import throughput and memory on a generated 1,000,000-row CSV (a benchmark, not a test).
 * Prints one JSON object per line: the analysis pass alone, then a full import into a
 * temporary store. Usage: npm run bench:import [-- ROWS]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeImport, importDataset } from '../main/data/index.ts';
import { openStore } from '../main/store/index.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-bench-'));
const file = path.join(dir, 'tickets.csv');

function generate(): void {
  const labels = ['billing', 'technical', 'sales', 'account', 'shipping', 'returns', 'other'];
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,text,label\n');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    // Realistic-ish ticket text (~90 chars), some quoted with commas and an embedded newline.
    const text = i % 50 === 0 ? `"Order ${i}: the parcel, sent on day ${i % 28}, arrived ""damaged"".\nPlease advise."` : `Customer ${i} asks about invoice ${(i * 7919) % 100_003} and the delivery date of order ${i % 9973}`;
    chunk.push(`${i},${text},${labels[(i * 31) % labels.length]}`);
    if (chunk.length === 20_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
}

function line(phase: string, started: number, extra: Record<string, unknown> = {}): void {
  const seconds = (performance.now() - started) / 1000;
  const bytes = fs.statSync(file).size;
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ bench: 'import', phase, rows, mb: Math.round(bytes / 1e6), seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(rows / seconds), mbPerSecond: Math.round((bytes / 1e6 / seconds) * 10) / 10, peakRssMb: maxRssMb, ...extra }));
}

try {
  let t = performance.now();
  generate();
  line('generate', t);

  t = performance.now();
  const report = await analyzeImport(file, { task: 'classification' });
  line('analyze', t, { ok: report.ok, splits: report.stats.splits });

  const store = openStore(path.join(dir, 'home'));
  try {
    t = performance.now();
    const result = await importDataset(store, file, { task: 'classification', project: 'bench' });
    line('import', t, { dataset: result.dataset?.id ?? null, dbMb: Math.round(fs.statSync(store.file).size / 1e6) });
  } finally {
    store.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
