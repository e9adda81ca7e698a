import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The built renderer (vite build output), resolved from this file's location. */
export function rendererDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/renderer');
}

/**
 * Serves a file from `root`, refusing anything that resolves outside it. Unknown paths fall back
 * to index.html (a single-page app). Returns false when the root has no index.html at all.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): boolean {
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) return false;
  const decoded = decodeURIComponent(urlPath);
  let file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(root + path.sep) && file !== root) file = index;
  if (!existsSync(file) || statSync(file).isDirectory()) file = index;
  res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
  return true;
}
