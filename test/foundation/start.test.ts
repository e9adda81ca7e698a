import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm start without the Electron binary', () => {
  it('says so in one sentence and serves the UI on 127.0.0.1', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'bs-start-'));
    // PATH without a browser launcher: opening the browser must fail quietly.
    const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], { cwd: root, env: { ...process.env, BERT_STUDIO_HOME: home } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; output:\n${out}`)), 50_000);
        child.stdout.on('data', () => {
          const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          }
        });
      });
      expect(out).toMatch(/Electron is not available on this machine[^\n]*browser instead\.\n/);
      expect(out).not.toMatch(/\n\s+at /); // no stack trace
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/BERT Studio/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
