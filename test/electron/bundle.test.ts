import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

// Electron itself cannot run here; what can be checked is that the shell and the core bundle
// into the CommonJS files package.json and electron-builder expect, with electron left external.
describe('electron bundle', () => {
  it('builds dist/electron/main.cjs and preload.cjs', () => {
    execFileSync(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'pipe' });
    const main = fs.readFileSync('dist/electron/main.cjs', 'utf8');
    const preload = fs.readFileSync('dist/electron/preload.cjs', 'utf8');
    expect(JSON.parse(fs.readFileSync('package.json', 'utf8')).main).toBe('dist/electron/main.cjs');
    expect(main).toContain('require("electron")');
    expect(main).toContain('require("better-sqlite3")');
    // The sandboxed preload may require nothing but electron.
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
  });

  it('builds the device probe\'s child (probe-child.cjs), which answers over IPC as the app forks it', async () => {
    // The build ran in the test above; the app forks this file with Electron's binary as Node.
    const child = fork('dist/electron/probe-child.cjs', [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    const answer = await new Promise<{ device: string; works: boolean }[]>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { device: string; works: boolean }[]));
      child.once('error', reject);
    });
    expect(answer.find((d) => d.device === 'cpu')?.works).toBe(true);
  });
});
