import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';
import { tempDir, type ServiceContext } from './context.ts';

type UploadHandlers = Pick<ApiHandlers, 'uploads.begin' | 'uploads.chunk' | 'uploads.finish'>;

interface Upload {
  caller: string;
  file: string;
  size: number;
  received: number;
  fd: number;
}

/** Keeps only characters that are safe in a file name on every OS; the folder is random anyway. */
function safeName(name: string): string {
  const base = path.basename(name.replaceAll('\\', '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : 'upload';
}

/**
 * Browser mode cannot hand the server a path, so the page sends the file's bytes in chunks to
 * a temporary file under `home/tmp/`, and the import then reads that file like any other.
 * Chunks must arrive in order, from the page that began the upload.
 */
export function uploadsService(ctx: ServiceContext): UploadHandlers & { close(): void } {
  const uploads = new Map<string, Upload>();
  removeOldUploads(path.join(tempDir(ctx), 'uploads'));
  const get = (uploadId: string, caller: string): Upload => {
    const u = uploads.get(uploadId);
    if (!u || u.caller !== caller) throw new ApiFailure('not_found', 'This upload is no longer in progress. Choose the file again.');
    return u;
  };
  // A broken upload is dropped at once: its descriptor closed and its partial copy deleted.
  const abort = (uploadId: string, u: Upload): void => {
    uploads.delete(uploadId);
    fs.closeSync(u.fd);
    fs.rmSync(path.dirname(u.file), { recursive: true, force: true });
  };
  return {
    'uploads.begin': ({ fileName, size }, { caller }) => {
      const uploadId = randomBytes(12).toString('hex');
      const dir = path.join(tempDir(ctx), 'uploads', uploadId);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, safeName(fileName));
      uploads.set(uploadId, { caller, file, size, received: 0, fd: fs.openSync(file, 'w') });
      return { uploadId };
    },
    'uploads.chunk': ({ uploadId, offset, base64 }, { caller }) => {
      const u = get(uploadId, caller);
      if (offset !== u.received) throw new ApiFailure('invalid_request', `The upload lost a piece (expected byte ${u.received}, got ${offset}). Choose the file again.`);
      const bytes = Buffer.from(base64, 'base64');
      if (u.received + bytes.length > u.size) {
        abort(uploadId, u);
        throw new ApiFailure('invalid_request', 'The upload is larger than the file it announced. Choose the file again.');
      }
      fs.writeSync(u.fd, bytes);
      u.received += bytes.length;
      return { received: u.received };
    },
    'uploads.finish': ({ uploadId }, { caller }) => {
      const u = get(uploadId, caller);
      if (u.received !== u.size) {
        abort(uploadId, u);
        throw new ApiFailure('invalid_request', `The upload stopped at ${u.received} of ${u.size} bytes. Choose the file again.`);
      }
      fs.closeSync(u.fd);
      uploads.delete(uploadId);
      return { path: u.file };
    },
    close() {
      for (const u of uploads.values()) fs.closeSync(u.fd);
      uploads.clear();
    },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Uploaded copies are only needed until their import is done; a day later they are clutter. */
function removeOldUploads(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > DAY_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Another process may be removing it too; nothing to do.
    }
  }
}
