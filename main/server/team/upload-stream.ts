import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

export type UploadOutcome = { ok: true; file: string; bytes: number } | { ok: false; status: 400 | 413; message: string };

function safeName(name: string): string {
  const base = path.basename(name.replaceAll('\\', '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : 'upload';
}

/**
 * Streams a request body to `uploadsDir/<random>/<name>`, never holding it in memory. A declared
 * Content-Length over the limit is refused before a byte is written; a body that grows past the
 * limit (chunked, or lying about its length) is cut off mid-stream and its partial file removed,
 * so a refused upload leaves nothing on disk.
 */
export function receiveUpload(req: IncomingMessage, uploadsDir: string, fileName: string, maxBytes: number): Promise<UploadOutcome> {
  const tooLarge = (): UploadOutcome => ({ ok: false, status: 413, message: `This file is larger than the ${(maxBytes / 2 ** 20).toFixed(1)} MiB this training server accepts. Split it, or ask the administrator to raise --max-upload-mb.` });
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > maxBytes) {
    req.resume();
    return Promise.resolve(tooLarge());
  }
  const dir = path.join(uploadsDir, randomBytes(12).toString('hex'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, safeName(fileName));
  const out = fs.createWriteStream(file, { flags: 'wx' });
  let bytes = 0;
  return new Promise((resolve) => {
    let settled = false;
    const fail = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      req.unpipe(out);
      out.destroy();
      // Remove after the stream has closed its descriptor (Windows cannot delete an open file).
      out.once('close', () => fs.rmSync(dir, { recursive: true, force: true }));
      if (out.closed) fs.rmSync(dir, { recursive: true, force: true });
      resolve(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        fail(tooLarge());
        req.pause();
      }
    });
    req.on('aborted', () => fail({ ok: false, status: 400, message: 'The upload was interrupted. Choose the file again.' }));
    req.on('error', () => fail({ ok: false, status: 400, message: 'The upload was interrupted. Choose the file again.' }));
    out.on('error', () => fail({ ok: false, status: 400, message: 'The server could not store the upload. Try again later.' }));
    out.on('finish', () => {
      if (settled) return;
      if (declared !== undefined && bytes !== declared) return fail({ ok: false, status: 400, message: `The upload stopped at ${bytes} of ${declared} bytes. Choose the file again.` });
      settled = true;
      resolve({ ok: true, file, bytes });
    });
    req.pipe(out);
  });
}
