import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { Store } from '../../store/index.ts';
import { listArtifacts } from '../../store/index.ts';

export interface ModelFile {
  name: string;
  size: number;
  sha256: string;
}

/** The trained model of a run as a Hugging Face folder on the server, or undefined before it finished. */
export function modelFolderOf(store: Store, runId: number): string | undefined {
  const hf = listArtifacts(store, runId, 'hf');
  const dir = hf[hf.length - 1]?.path;
  return dir !== undefined && fs.existsSync(dir) ? dir : undefined;
}

function sha256(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The folder's plain files (a Hugging Face model folder is flat), with what a client checks them against. */
export function listModelFiles(dir: string): ModelFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(dir, e.name);
      return { name: e.name, size: fs.statSync(file).size, sha256: sha256(file) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Streams one file of the folder; a name that is not one of its plain files is a 404 (no `..`, no subfolders). */
export function sendModelFile(dir: string, name: string, res: ServerResponse, headers: Record<string, string>): boolean {
  const entry = fs.readdirSync(dir, { withFileTypes: true }).find((e) => e.isFile() && e.name === name);
  if (!entry) return false;
  const file = path.join(dir, entry.name);
  res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(fs.statSync(file).size) });
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
