import { describe, expect, it } from 'vitest';
import { unpickleStateDict } from '../../main/models/pickle/state-dict.ts';

// Written by CPython's pickle.dumps, so the opcodes are the real ones protocols 4 and 5 emit.
const hostileProtocol4 = '80049526000000000000007d948c0177948c086275696c74696e73948c046576616c9493948c03312b319485945294732e';
const plainProtocol5 =
  '80059537000000000000007d948c0161945d94284b014740040000000000004a90eefeff8a090000000000000000404e8843027879944b0185948c02c3a99465732e';

describe('restricted unpickler', () => {
  it('refuses a protocol-4 STACK_GLOBAL of builtins.eval before calling anything', () => {
    expect(() => unpickleStateDict(Buffer.from(hostileProtocol4, 'hex'), 'x.bin')).toThrow(/x\.bin was refused: .*'builtins\.eval'.*Nothing was executed/);
  });

  it('decodes the plain values of protocol 5 (frames, memo, ints, floats, bytes, tuples, UTF-8)', () => {
    // {'a': [1, 2.5, -70000, 2**70, None, True, b'xy', (1,), 'é']}
    const { value } = unpickleStateDict(Buffer.from(plainProtocol5, 'hex'), 'x.bin');
    expect(value).toEqual(new Map([['a', [1, 2.5, -70000, 2n ** 70n, null, true, new Uint8Array([0x78, 0x79]), [1], 'é']]]));
  });
});
