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
