import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { abortError, httpGet, type Hop } from './http.ts';

/**
 * Downloads one file to `dest` through `dest.part`: a partial file is resumed with an HTTP
 * Range request, and the finished file is checked against the expected size and hash before
 * it takes its real name. A failed check deletes the file, so a bad download is never used.
 */

export interface Expected {
  readonly size?: number;
  readonly sha256?: string;
  /** Git blob id: how the hub identifies small (non-LFS) files such as config.json. */
  readonly gitSha1?: string;
  /** Hex SHA-512: how NuGet feeds identify packages (their catalog's packageHash). */
  readonly sha512?: string;
}

export type Progress = (bytes: number, total: number | undefined, file: string) => void;

export interface DownloadFileOptions {
  readonly url: string;
  readonly dest: string;
  /** Shown in progress and errors, e.g. `bert-base-uncased/config.json`. */
  readonly label: string;
  readonly expected?: Expected;
  readonly onProgress?: Progress;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra attempts after a dropped connection, each resuming where the last stopped. Default 3. */
  readonly retries?: number;
  readonly idleTimeoutMs?: number;
}

export interface DownloadedFile {
  readonly size: number;
  readonly sha256: string;
  /** The hub's `X-Repo-Commit`: the commit the served file belongs to, when it said. */
  readonly commit?: string;
}

const unquote = (v: string | string[] | undefined): string | undefined => (typeof v === 'string' ? v.replace(/^W\//, '').replace(/"/g, '').toLowerCase() : undefined);
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * What the hub's headers say about the file; HF puts them on the first response, before any
 * CDN redirect: X-Linked-Etag / X-Linked-Size for LFS files (the sha256 and size of the real
 * content). A plain ETag is used only when it is a sha256; the git blob id of small files is
 * taken from the API listing instead, where it is defined to be one.
 */
export function expectedFromHeaders(hop: Hop): Expected {
  const linkedEtag = unquote(hop.headers['x-linked-etag']);
  const etag = unquote(hop.headers.etag);
  const linkedSize = Number(hop.headers['x-linked-size']);
  const sha256 = [linkedEtag, etag].find((e) => e && HEX64.test(e));
  return { size: Number.isFinite(linkedSize) && linkedSize > 0 ? linkedSize : undefined, sha256 };
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadedFile> {
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptDownload(opts);
    } catch (err) {
      // Only a dropped connection is worth another try; the .part file keeps what arrived.
      const retryable = err instanceof TransferError && !opts.signal?.aborted;
      if (!retryable || attempt >= retries) throw err instanceof TransferError ? new Error(err.message) : err;
      await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** attempt)));
    }
  }
}

/** A connection that broke mid-transfer (as opposed to a wrong file or a refusal). */
class TransferError extends Error {}

async function attemptDownload(opts: DownloadFileOptions): Promise<DownloadedFile> {
  if (opts.signal?.aborted) throw abortError();
  // A file finished by an earlier, interrupted run of the whole model is kept if it verifies.
  if (opts.expected?.size !== undefined && (await sizeOf(opts.dest)) === opts.expected.size) {
    try {
      const kept = await verify(opts.dest, opts.expected, opts.label);
      opts.onProgress?.(kept.size, kept.size, opts.label);
      return kept;
    } catch {
      // verify() deleted it; download afresh below.
    }
  }
  const part = `${opts.dest}.part`;
  let have = await sizeOf(part);
  let expected: Expected = { ...opts.expected };
  if (expected.size !== undefined && have > expected.size) {
    await rm(part, { force: true });
    have = 0;
  }
  let total = expected.size;
  let commit: string | undefined;
  if (!(expected.size !== undefined && have === expected.size)) {
    const got = await httpGet(opts.url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: opts.signal, env: opts.env, idleTimeoutMs: opts.idleTimeoutMs }).catch((err: Error) => {
      throw opts.signal?.aborted ? abortError() : new TransferError(err.message);
    });
    const { res, status, hops } = got;
    // Headers win over the API listing: they describe the exact bytes being served.
    const fromHeaders = expectedFromHeaders(hops[0]);
    const repoCommit = hops[0].headers['x-repo-commit'];
    commit = typeof repoCommit === 'string' ? repoCommit : undefined;
    expected = { ...expected, size: fromHeaders.size ?? expected.size, sha256: fromHeaders.sha256 ?? expected.sha256 };
    let append = false;
    if (status === 206) {
      const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== have) {
        res.resume();
        await rm(part, { force: true });
        throw new TransferError(`${opts.label}: the server resumed at the wrong place; starting over.`);
      }
      append = true;
      if (m[2] !== '*') total = Number(m[2]);
    } else if (status === 416) {
      // Nothing left to send: the part file is already complete (verified below) or wrong.
      res.resume();
    } else if (status === 200) {
      const len = Number(res.headers['content-length']);
      total = Number.isFinite(len) ? len : expected.size;
    } else {
      res.resume();
      if (status === 404) throw new Error(`${opts.label} is not on the server (HTTP 404).`);
      // Server trouble and rate limiting pass; retry them with backoff like a dropped connection.
      if (status >= 500 || status === 429) throw new TransferError(`${opts.label}: the server answered HTTP ${status}; try again in a few minutes.`);
      throw new Error(`${opts.label} could not be downloaded: the server answered HTTP ${status}.`);
    }
    if (status !== 416) {
      let bytes = append ? have : 0;
      opts.onProgress?.(bytes, total, opts.label);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          opts.onProgress?.(bytes, total, opts.label);
          done(null, chunk);
        },
      });
      try {
        await pipeline(res, counter, createWriteStream(part, { flags: append ? 'a' : 'w' }), { signal: opts.signal });
      } catch (err) {
        if (opts.signal?.aborted) throw abortError();
        throw new TransferError(`${opts.label}: the connection dropped after ${bytes} of ${total ?? '?'} bytes (${(err as Error).message}). Run the download again to resume.`);
      }
      // A body that ends early without an error (no Content-Length) is also a broken transfer.
      if (total !== undefined && bytes < total) throw new TransferError(`${opts.label}: the connection closed after ${bytes} of ${total} bytes. Run the download again to resume.`);
    }
  }
  const checked = await verify(part, expected, opts.label);
  await rename(part, opts.dest);
  return { size: checked.size, sha256: checked.sha256, commit };
}

/** sha512 only when asked: hub files never need it, and it costs a second pass of CPU over large weights. */
async function hashes(file: string, withSha512: boolean): Promise<{ sha256: string; gitSha1: string; sha512?: string; size: number }> {
  const size = await sizeOf(file);
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  const sha512 = withSha512 ? createHash('sha512') : undefined;
  await pipeline(createReadStream(file), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      sha256.update(chunk);
      sha1.update(chunk);
      sha512?.update(chunk);
    }
  });
  return { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex'), sha512: sha512?.digest('hex'), size };
}

/** Checks size, sha256, git sha1 and SHA-512 where known; deletes the file and throws a sentence on a mismatch. */
async function verify(file: string, expected: Expected, label: string): Promise<{ sha256: string; size: number }> {
  const got = await hashes(file, expected.sha512 !== undefined);
  let problem: string | undefined;
  if (expected.size !== undefined && got.size !== expected.size) problem = `its size is ${got.size} bytes, expected ${expected.size}`;
  else if (expected.sha256 && got.sha256 !== expected.sha256) problem = `its sha256 is ${got.sha256}, expected ${expected.sha256}`;
  else if (expected.gitSha1 && got.gitSha1 !== expected.gitSha1) problem = `its git hash is ${got.gitSha1}, expected ${expected.gitSha1}`;
  else if (expected.sha512 && got.sha512 !== expected.sha512) problem = `its SHA-512 differs from the one the feed publishes`;
  if (problem) {
    await rm(file, { force: true });
    throw new Error(`${label} failed verification: ${problem}. The damaged file (${path.basename(file)}) was deleted; run the download again.`);
  }
  return got;
}
