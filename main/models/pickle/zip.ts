import { createReadStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';

/**
 * A minimal reader of zip archives, enough for PyTorch checkpoints: torch.save writes stored
 * (uncompressed) entries, with zip64 records once the archive passes 4 GiB. Deflated entries
 * are inflated too, since re-zipped checkpoints are seen in the wild. Entries are read on demand
 * by offset, so a 440 MB BERT-base checkpoint is never held in memory twice.
 */

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated; anything else is refused when read. */
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
// The end record is 22 bytes plus a comment of at most 65535 bytes.
const EOCD_SEARCH = 22 + 0xffff;

export class ZipReader {
  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Opens `file` and reads its central directory. Throws a sentence naming the file if it is not a readable zip. */
  static async open(file: string): Promise<ZipReader> {
    const handle = await open(file, 'r');
    try {
      const entries = await readCentralDirectory(handle, file);
      return new ZipReader(handle, file, entries);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Reads and, if needed, inflates one entry; checks its size and CRC-32 so a damaged archive cannot pass as weights. */
  async read(entry: ZipEntry): Promise<Buffer> {
    const where = `${this.file} (entry ${entry.name})`;
    const dataStart = await this.dataStart(entry, where);
    const raw = await readAt(this.handle, dataStart, entry.compressedSize);
    if (raw.length !== entry.compressedSize) throw new Error(`${where} is truncated: expected ${entry.compressedSize} bytes, found ${raw.length}. Download or copy the file again.`);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateRawSync(raw);
    else throw new Error(`${where} uses zip compression method ${entry.method}; only stored and deflated entries are supported.`);
    if (data.length !== entry.size) throw new Error(`${where} has ${data.length} bytes where the archive says ${entry.size}; the file is corrupt.`);
    if (crc32(data) !== entry.crc32) throw new Error(`${where} fails its CRC-32 check; the file is corrupt. Download or copy it again.`);
    return data;
  }

  /**
   * Streams one entry to `dest` (entries too large to hold in memory, such as shared libraries
   * of hundreds of MB), with the same size and CRC-32 checks as read(). `dest` is left partial
   * on failure; the caller writes into a staging folder it removes.
   */
  async extract(entry: ZipEntry, dest: string): Promise<void> {
    const where = `${this.file} (entry ${entry.name})`;
    const start = await this.dataStart(entry, where);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${where} uses zip compression method ${entry.method}; only stored and deflated entries are supported.`);
    let size = 0;
    let crc = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        crc = crc32(chunk, crc);
        done(null, chunk);
      },
    });
    // createReadStream's `end` is inclusive, so an empty entry needs its own (empty) source.
    const raw = entry.compressedSize === 0 ? Readable.from([]) : createReadStream(this.file, { start, end: start + entry.compressedSize - 1 });
    if (entry.method === 8) await pipeline(raw, createInflateRaw(), check, createWriteStream(dest));
    else await pipeline(raw, check, createWriteStream(dest));
    if (size !== entry.size) throw new Error(`${where} has ${size} bytes where the archive says ${entry.size}; the file is corrupt.`);
    if (crc !== entry.crc32) throw new Error(`${where} fails its CRC-32 check; the file is corrupt. Download it again.`);
  }

  /** Where an entry's data begins, after its local header (whose name and extra lengths may differ from the directory's). */
  private async dataStart(entry: ZipEntry, where: string): Promise<number> {
    if (entry.flags & 1) throw new Error(`${where} is encrypted; save the checkpoint again without encryption.`);
    const local = await readAt(this.handle, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG) throw new Error(`${where} has a damaged local header; the file is corrupt or truncated.`);
    return entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('zip64 value too large');
  return Number(v);
}

async function readCentralDirectory(handle: FileHandle, file: string): Promise<Map<string, ZipEntry>> {
  const name = file;
  const { size } = await handle.stat();
  const tailStart = Math.max(0, size - EOCD_SEARCH);
  const tail = await readAt(handle, tailStart, size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${name} is not a complete zip archive (no end-of-directory record); it may be truncated.`);
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: the locator sits just before the classic end record and points at the zip64 one.
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) throw new Error(`${name} lacks its zip64 locator; the file is corrupt.`);
    const rec = await readAt(handle, u64(tail, loc + 8), 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new Error(`${name} has a damaged zip64 directory record; the file is corrupt.`);
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  const cd = await readAt(handle, cdOffset, cdSize);
  if (cd.length !== cdSize) throw new Error(`${name} is truncated: its zip directory runs past the end of the file.`);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw new Error(`${name} has a damaged zip directory at entry ${i}; the file is corrupt.`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const entryName = cd.toString('utf8', p + 46, p + 46 + nameLen);
    // The zip64 extra field holds, in this order, only the values saturated at 0xFFFFFFFF.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressed === 0xffffffff) {
          uncompressed = u64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(cd, q);
      }
      e += 4 + len;
    }
    entries.set(entryName, { name: entryName, method, flags, compressedSize, size: uncompressed, crc32: crc, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}
