import os from 'node:os';

/**
 * PyTorch storage dtypes and the conversion of one strided tensor view into a dense float32
 * array. Everything downstream (the engine, export) works in float32, so F16, BF16 and the
 * integer buffers a state dict may carry (`position_ids`, small values) are widened here.
 */

export type StorageDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** `torch.<Name>Storage` → dtype: the storage classes torch.save writes into a state dict. */
export const STORAGE_CLASSES: Readonly<Record<string, StorageDtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

export const ELEMENT_SIZE: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** A tensor as the rest of the app sees it: dense, row-major, float32. */
export interface Float32Tensor {
  readonly dtype: 'float32';
  readonly shape: number[];
  readonly data: Float32Array;
}

// Storages are raw little-endian bytes; typed-array views below assume the host agrees.
const LITTLE_ENDIAN_HOST = os.endianness() === 'LE';

/** 2^30 float32 elements = 4 GiB, far above any BERT-family tensor (mBERT's embeddings: 92M). */
const MAX_ELEMENTS = 2 ** 30;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half → float, exact (every half is representable in float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Copies bytes [start, end) into a fresh ArrayBuffer. (Buffer#slice shares memory with Node's
 * pool and may sit at an unaligned offset, so typed arrays need a real copy.)
 */
function copyBytes(b: Uint8Array, start = 0, end = b.length): ArrayBuffer {
  const out = new Uint8Array(end - start);
  out.set(b.subarray(start, end));
  return out.buffer;
}

/** A reader of element i of the storage, whatever its dtype. */
function elementReader(bytes: Uint8Array, dtype: StorageDtype): (i: number) => number {
  const buf = copyBytes(bytes);
  switch (dtype) {
    case 'float32': {
      const a = new Float32Array(buf);
      return (i) => a[i];
    }
    case 'float64': {
      const a = new Float64Array(buf);
      return (i) => a[i];
    }
    case 'float16': {
      const a = new Uint16Array(buf);
      return (i) => halfToFloat(a[i]);
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shift it back into place.
      const a = new Uint16Array(buf);
      return (i) => ((u32[0] = a[i] << 16), f32[0]);
    }
    case 'int64': {
      const a = new BigInt64Array(buf);
      return (i) => Number(a[i]);
    }
    case 'int32': {
      const a = new Int32Array(buf);
      return (i) => a[i];
    }
    case 'int16': {
      const a = new Int16Array(buf);
      return (i) => a[i];
    }
    case 'int8': {
      const a = new Int8Array(buf);
      return (i) => a[i];
    }
    case 'uint8':
    case 'bool': {
      const a = new Uint8Array(buf);
      return (i) => a[i];
    }
  }
}

/**
 * Materializes `storage[offset + Σ index[d]·stride[d]]` for every index of `shape`, in row-major
 * order, as float32. `where` names the tensor and file in errors.
 */
export function stridedToFloat32(storage: Uint8Array, dtype: StorageDtype, offset: number, shape: readonly number[], stride: readonly number[], where: string): Float32Array {
  if (!LITTLE_ENDIAN_HOST) throw new Error(`${where}: reading PyTorch checkpoints needs a little-endian computer.`);
  if (shape.length !== stride.length) throw new Error(`${where}: the tensor has ${shape.length} dimensions but ${stride.length} strides; the checkpoint is corrupt.`);
  const elementSize = ELEMENT_SIZE[dtype];
  if (storage.length % elementSize) throw new Error(`${where}: the storage is ${storage.length} bytes, not a whole number of ${dtype} elements; the checkpoint is corrupt.`);
  const numelStorage = storage.length / elementSize;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return new Float32Array(0);
  // A view may repeat elements (stride 0), so its size is not bounded by the storage: cap it,
  // or a crafted file could ask for terabytes.
  if (numel > MAX_ELEMENTS) throw new Error(`${where}: the tensor has ${numel} elements, more than the ${MAX_ELEMENTS} BERT Studio reads; this is not a BERT-family checkpoint.`);
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
  if (offset < 0 || last >= numelStorage || shape.some((s) => s < 0) || stride.some((s) => s < 0)) {
    throw new Error(`${where}: the tensor reaches element ${last} of a storage with ${numelStorage}; the checkpoint is corrupt or truncated.`);
  }
  // Fast path: contiguous float32 is a plain copy.
  let contiguous = true;
  for (let d = shape.length - 1, expect = 1; d >= 0; expect *= shape[d], d--) if (shape[d] !== 1 && stride[d] !== expect) contiguous = false;
  if (contiguous && dtype === 'float32') {
    return new Float32Array(copyBytes(storage, offset * 4, (offset + numel) * 4));
  }
  const read = elementReader(storage, dtype);
  const out = new Float32Array(numel);
  if (contiguous) {
    for (let i = 0; i < numel; i++) out[i] = read(offset + i);
    return out;
  }
  // Odometer over the index: the innermost dimension advances fastest.
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = read(src);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      src += stride[d];
      if (index[d] < shape[d]) break;
      src -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
