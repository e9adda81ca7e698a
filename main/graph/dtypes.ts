// Every dtype the engine uses, defined once: ONNX enum, typed array, byte size.

export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

export type TypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array;

interface DTypeInfo {
  /** onnx.TensorProto.DataType */
  readonly onnx: number;
  readonly bytes: number;
  readonly array: { new (n: number): TypedArray; new (buf: ArrayBuffer, offset: number, length: number): TypedArray };
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { onnx: 1, bytes: 4, array: Float32Array },
  uint8: { onnx: 2, bytes: 1, array: Uint8Array },
  int32: { onnx: 6, bytes: 4, array: Int32Array },
  int64: { onnx: 7, bytes: 8, array: BigInt64Array },
  bool: { onnx: 9, bytes: 1, array: Uint8Array },
  float64: { onnx: 11, bytes: 8, array: Float64Array },
  // IEEE half precision, held as its raw 16-bit patterns (JavaScript has no float16 array in Node 20).
  float16: { onnx: 10, bytes: 2, array: Uint16Array },
};

/** The DType of an ONNX TensorProto.DataType number. */
export function dtypeOfOnnx(code: number): DType {
  const d = (Object.keys(DTYPES) as DType[]).find((k) => DTYPES[k].onnx === code);
  if (!d) throw new Error(`ONNX data type ${code} is not one the engine uses`);
  return d;
}

/** The IEEE half-precision bit pattern nearest to `x` (round to nearest even; overflow → ±Infinity). */
export function toHalfBits(x: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const rest = mant & 0x1fff;
  mant >>>= 13;
  if (rest > 0x1000 || (rest === 0x1000 && mant & 1)) {
    mant++;
    if (mant === 0x400) {
      mant = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mant;
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

export function allocate(dtype: DType, n: number): TypedArray {
  return new DTYPES[dtype].array(n);
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
