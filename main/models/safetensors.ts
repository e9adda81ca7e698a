// safetensors read/write: 8-byte little-endian header length, JSON header
// {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes.
// F32, F16 and BF16 are read into Float32Array; writing can narrow to F16/BF16.
import fs from 'node:fs';
import type { TensorData } from './types.ts';
import { ModelFormatError } from './config.ts';

export type StDtype = 'F32' | 'F16' | 'BF16';
const BYTES: Record<StDtype, number> = { F32: 4, F16: 2, BF16: 2 };

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function f32ToF16(x: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = x;
  const bits = u[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = (mant >>> shift) + ((mant >>> (shift - 1)) & 1 && (mant & ((1 << (shift - 1)) - 1) || (mant >>> shift) & 1) ? 1 : 0);
    return sign | half;
  }
  // round to nearest even
  const round = mant & 0x1fff;
  mant >>>= 13;
  if (round > 0x1000 || (round === 0x1000 && mant & 1)) {
    mant++;
    if (mant === 0x400) {
      mant = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mant;
}

/** Reads every tensor of a .safetensors file as float32; `file` is named in errors. */
export function readSafetensors(file: string, bytes: Uint8Array = fs.readFileSync(file)): Map<string, TensorData> {
  if (bytes.length < 8) throw new ModelFormatError(`${file} is truncated: it is shorter than a safetensors header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new ModelFormatError(`${file} is truncated: its header says ${headerLen} bytes but the file has ${bytes.length - 8}.`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    throw new ModelFormatError(`${file} is not a safetensors file: its header is not JSON.`);
  }
  const base = 8 + headerLen;
  const out = new Map<string, TensorData>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dtype = info.dtype as StDtype;
    if (!(dtype in BYTES)) throw new ModelFormatError(`${file}: tensor ${name} has dtype ${info.dtype}; only F32, F16 and BF16 weights are supported.`);
    const [start, end] = info.data_offsets;
    const n = info.shape.reduce((a, b) => a * b, 1);
    if (end - start !== n * BYTES[dtype]) throw new ModelFormatError(`${file}: tensor ${name} has ${end - start} bytes for shape [${info.shape}] ${dtype}.`);
    if (base + end > bytes.length) throw new ModelFormatError(`${file} is truncated: tensor ${name} ends past the end of the file.`);
    const data = new Float32Array(n);
    const at = base + start;
    if (dtype === 'F32') {
      // Copy through a byte view: the source may be unaligned (and a pooled Buffer).
      new Uint8Array(data.buffer).set(bytes.subarray(at, at + n * 4));
    } else if (dtype === 'F16') {
      for (let i = 0; i < n; i++) data[i] = f16ToF32(view.getUint16(at + 2 * i, true));
    } else {
      const u = new Uint32Array(data.buffer);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(at + 2 * i, true) << 16;
    }
    out.set(name, { dtype: 'float32', shape: [...info.shape], data });
  }
  return out;
}

/** Serializes tensors (sorted by name) with an optional `__metadata__` string map. */
export function encodeSafetensors(tensors: Map<string, TensorData>, opts: { dtype?: StDtype; metadata?: Record<string, string> } = {}): Uint8Array {
  const dtype = opts.dtype ?? 'F32';
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const len = t.data.length * BYTES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    if (dtype === 'F32') out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    else if (dtype === 'F16') for (let i = 0; i < d.length; i++) view.setUint16(at + 2 * i, f32ToF16(d[i]), true);
    else {
      const u = new Uint32Array(Float32Array.from(d).buffer);
      // round to nearest even on the dropped 16 bits
      for (let i = 0; i < d.length; i++) view.setUint16(at + 2 * i, (u[i] + 0x7fff + ((u[i] >>> 16) & 1)) >>> 16, true);
    }
    at += d.length * BYTES[dtype];
  }
  return out;
}

export function writeSafetensors(file: string, tensors: Map<string, TensorData>, opts: { dtype?: StDtype; metadata?: Record<string, string> } = {}): void {
  fs.writeFileSync(file, encodeSafetensors(tensors, opts));
}
