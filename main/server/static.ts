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
  const base = path.resolve(root);
  const index = path.join(base, 'index.html');
  if (!existsSync(index)) return false;
  let file = index;
  const rel = decodePath(urlPath);
  if (rel !== undefined) {
    const candidate = path.resolve(base, '.' + path.posix.normalize('/' + rel));
    // path.relative rather than a prefix test: a relative or slash-ended root still matches.
    const inside = path.relative(base, candidate);
    if (inside !== '' && inside !== '..' && !inside.startsWith('..' + path.sep) && !path.isAbsolute(inside) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
  }
  res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  // A file that vanishes or cannot be read between the check and the read ends this response, not the server.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}

/** `%`-decoded path, or undefined for malformed escapes (`/%E0%A4%A`), which must not throw in the request handler. */
function decodePath(urlPath: string): string | undefined {
  try {
    return decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
}
