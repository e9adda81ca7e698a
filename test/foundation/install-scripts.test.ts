// npm is moving to blocking dependencies' install scripts unless package.json's allowScripts lists
// them. A native module whose build is silently skipped installs "fine" and then fails at the
// first database open, so every installed package with an install script must be decided here,
// and the decisions that matter for the README's `npm install` must be the right ones.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

describe('install scripts', () => {
  it('every installed package with an install script is approved or denied in package.json', () => {
    const out = execFileSync('npm', ['install-scripts', 'ls', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const pending = (JSON.parse(out) as { allowScripts: unknown[] }).allowScripts;
    expect(pending).toEqual([]);
  });

  it('builds what the app needs and does not download CUDA during npm install', () => {
    const allow = pkg.allowScripts ?? {};
    // better-sqlite3 compiles the store's driver; esbuild's check runs tsx (the CLI's loader);
    // electron fetches the desktop window's binary where it can.
    expect(allow['better-sqlite3']).toBe(true);
    expect(allow.esbuild).toBe(true);
    expect(allow.electron).toBe(true);
    // onnxruntime-node's only install step fetches CUDA files (hundreds of MB, online); the CPU and
    // WebGPU providers ship in the package and CUDA is installed on demand by the app.
    expect(allow['onnxruntime-node']).toBe(false);
    const npmrc = fs.readFileSync(path.join(root, '.npmrc'), 'utf8');
    // npm versions that predate allowScripts run the script; the flag makes it skip.
    expect(npmrc).toMatch(/^onnxruntime-node-install=skip$/m);
  });
});
