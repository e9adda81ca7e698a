import fs from 'node:fs';
import path from 'node:path';

/** Writes a file so that readers see either the old or the new content, never a torn one. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Replaces the folder `dir` by one filled by `fill(tmpDir)`. A crash at any moment leaves
 * either the previous folder (as `dir` or `dir.old`) or the new one, complete.
 */
export function replaceDirAtomic(dir: string, fill: (tmpDir: string) => void): void {
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fill(tmp);
  for (const f of fs.readdirSync(tmp)) {
    const fd = fs.openSync(path.join(tmp, f), 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** The folder written last by replaceDirAtomic, recovering from a crash mid-swap; undefined if none. */
export function recoverDir(dir: string): string | undefined {
  fs.rmSync(`${dir}.tmp`, { recursive: true, force: true }); // incomplete by construction
  if (fs.existsSync(dir)) return dir;
  if (fs.existsSync(`${dir}.old`)) {
    fs.renameSync(`${dir}.old`, dir);
    return dir;
  }
  return undefined;
}
