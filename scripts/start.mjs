#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is available, else the same UI in the
// default browser through browser mode (`bert-studio serve`, 127.0.0.1 only).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The Electron binary's path, or null when the package or its downloaded binary is missing. */
function electronBinary() {
  try {
    const bin = require('electron'); // the package exports the binary's path as a string
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const electron = electronBinary();
if (electron) {
  run(npm, ['run', 'build']);
  const child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron is not available on this machine (its binary was not downloaded), so BERT Studio opens in your browser instead.');
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) run(npm, ['run', 'build:renderer', '--silent']);
  const args = [path.join(root, 'bin/bert-studio.mjs'), 'serve', '--open', ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
