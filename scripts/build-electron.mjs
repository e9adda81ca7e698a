// Bundles the Electron shell (electron/main.ts + the main/ core it uses, and the preload) into
// dist/electron/*.cjs with esbuild. Native modules and electron stay external: electron-builder
// ships them unpacked from node_modules (see electron-builder.yml, asarUnpack).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const external = ['electron', 'better-sqlite3', 'onnxruntime-node', 'tokenizers', 'exceljs', 'ws', 'bufferutil', 'utf-8-validate'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'info',
  external,
  // main/ is ESM and reads import.meta.url to find files next to it; in a CJS bundle that is __filename.
  define: { 'import.meta.url': '__bertStudioImportMetaUrl' },
  banner: { js: "const __bertStudioImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await build({ ...common, entryPoints: [path.join(root, 'electron/main.ts')], outfile: path.join(root, 'dist/electron/main.cjs') });
// The device probe runs as a child process (main/engine/quiet-probe.ts) so GPU drivers' messages go to a log file.
await build({ ...common, entryPoints: [path.join(root, 'main/engine/probe-child.ts')], outfile: path.join(root, 'dist/electron/probe-child.cjs') });
// The preload runs in a sandboxed renderer: it may require only 'electron', so everything is inlined.
// No import.meta shim there either: its require('node:url') would fail in the sandbox.
const { define: _define, banner: _banner, ...preloadOptions } = common;
await build({ ...preloadOptions, entryPoints: [path.join(root, 'electron/preload.ts')], outfile: path.join(root, 'dist/electron/preload.cjs'), external: ['electron'] });
