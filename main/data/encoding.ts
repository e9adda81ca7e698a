import fs from 'node:fs';
import type { Encoding } from './types.ts';

/** How much of a file is checked for valid UTF-8 before committing to an encoding. */
const SNIFF_BYTES = 1 << 20;

/** Thrown when bytes after the sniffed head turn out not to be UTF-8: the caller re-reads as Windows-1252. */
export class NotUtf8Error extends Error {
  override readonly name = 'NotUtf8Error';
}

export interface Sniffed {
  encoding: Encoding;
  /** Bytes of BOM to skip. */
  bomLength: number;
  /** NUL bytes in a file without a UTF-16 BOM: a binary file, not text. */
  binary: boolean;
  size: number;
}

export function readHead(file: string, bytes = SNIFF_BYTES): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Drops a trailing, incomplete UTF-8 sequence so a head cut mid-character still validates. */
function trimPartialUtf8(buf: Buffer): Buffer {
  let i = buf.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (buf[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return buf;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? buf.subarray(0, i) : buf;
}

export function sniffEncoding(file: string, forced?: Encoding): Sniffed {
  const size = fs.statSync(file).size;
  const head = readHead(file);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, binary: false, size };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, binary: false, size };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, binary: false, size };
  const binary = head.includes(0);
  if (forced) return { encoding: forced, bomLength: 0, binary, size };
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    utf8.decode(head.length === size ? head : trimPartialUtf8(head));
    return { encoding: 'utf-8', bomLength: 0, binary, size };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0, binary, size };
  }
}

/** Node's TextDecoder has no UTF-16BE: swap byte pairs and decode as LE. */
class Utf16BeDecoder {
  private readonly inner = new TextDecoder('utf-16le');
  private carry: number | null = null;
  decode(chunk: Buffer, stream: boolean): string {
    let bytes = chunk;
    if (this.carry !== null) bytes = Buffer.concat([Buffer.from([this.carry]), chunk]);
    this.carry = null;
    if (bytes.length % 2 === 1) {
      this.carry = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const swapped = Buffer.from(bytes);
    swapped.swap16();
    return this.inner.decode(swapped, { stream });
  }
}

export interface TextChunksOptions {
  encoding: Encoding;
  bomLength: number;
  signal?: AbortSignal;
  onBytes?: (bytesRead: number) => void;
}

/** Streams a text file as decoded string chunks (about 1 MiB each), bounded memory. */
export async function* textChunks(file: string, opts: TextChunksOptions): AsyncGenerator<string> {
  const stream = fs.createReadStream(file, { start: opts.bomLength, highWaterMark: 1 << 20 });
  const decoder =
    opts.encoding === 'utf-16be'
      ? new Utf16BeDecoder()
      : (() => {
          const d = new TextDecoder(opts.encoding, { fatal: opts.encoding === 'utf-8' });
          return { decode: (b: Buffer, stream: boolean) => d.decode(b, { stream }) };
        })();
  let read = opts.bomLength;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      opts.signal?.throwIfAborted();
      read += chunk.length;
      let text: string;
      try {
        text = decoder.decode(chunk, true);
      } catch {
        throw new NotUtf8Error(`${file} is not valid UTF-8 after its first megabyte.`);
      }
      opts.onBytes?.(read);
      if (text) yield text;
    }
    // The final flush throws too when the file ends inside a multi-byte sequence (a Windows-1252
    // byte as the very last one): that is the same "not UTF-8" case, not an internal error.
    let tail: string;
    try {
      tail = decoder.decode(Buffer.alloc(0), false);
    } catch {
      throw new NotUtf8Error(`${file} is not valid UTF-8 at its end.`);
    }
    if (tail) yield tail;
  } finally {
    stream.destroy();
  }
}

/** Splits string chunks into lines (LF, CRLF or CR), each with its 1-based number. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let carry = '';
  let n = 0;
  let pendingCr = false;
  for await (const chunk of chunks) {
    let text = chunk;
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = false;
    const buf = carry + text;
    const parts = buf.split(/\r\n|\n|\r/);
    carry = parts.pop() ?? '';
    if (buf.endsWith('\r')) pendingCr = true;
    for (const p of parts) yield { line: ++n, text: p };
  }
  if (carry !== '') yield { line: ++n, text: carry };
}
