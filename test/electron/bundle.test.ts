import { execFileSync } from 'node:child_process';
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
});
