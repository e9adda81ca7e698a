import { describe, expect, it } from 'vitest';
import { stridedToFloat32 } from '../../main/models/pickle/tensors.ts';

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('stridedToFloat32', () => {
  it('honours strides and the storage offset (a transposed view)', () => {
    // storage = [9, 0 1 2 / 3 4 5] as a 2×3 matrix at offset 1; read its transpose (3×2, stride [1,3]).
    const storage = new Float32Array([9, 0, 1, 2, 3, 4, 5]);
    expect([...stridedToFloat32(bytesOf(storage), 'float32', 1, [3, 2], [1, 3], 't')]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('widens float16 and bfloat16 exactly', () => {
    // half: 1.0 = 0x3c00, -2.5 = 0xc100, smallest subnormal 0x0001 = 2^-24
    expect([...stridedToFloat32(bytesOf(new Uint16Array([0x3c00, 0xc100, 0x0001])), 'float16', 0, [3], [1], 'h')]).toEqual([1, -2.5, 2 ** -24]);
    // bfloat16: 1.0 = 0x3f80, -0.5 = 0xbf00
    expect([...stridedToFloat32(bytesOf(new Uint16Array([0x3f80, 0xbf00])), 'bfloat16', 0, [2], [1], 'b')]).toEqual([1, -0.5]);
  });

  it('converts int64 buffers such as position_ids', () => {
    expect([...stridedToFloat32(bytesOf(new BigInt64Array([0n, 1n, 511n])), 'int64', 0, [1, 3], [3, 1], 'p')]).toEqual([0, 1, 511]);
  });

  it('refuses a view that runs past its storage, naming the tensor', () => {
    expect(() => stridedToFloat32(bytesOf(new Float32Array(4)), 'float32', 2, [2, 2], [2, 1], 'model.bin (tensor w)')).toThrow(/model\.bin \(tensor w\): the tensor reaches element 5 of a storage with 4/);
  });
});
