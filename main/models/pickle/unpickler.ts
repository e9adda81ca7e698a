/**
 * A restricted pickle virtual machine (protocols 0–5, the opcodes a state dict uses).
 *
 * Pickle is a program, not a data format: GLOBAL names any Python callable and REDUCE calls
 * it, which is how a hostile `pytorch_model.bin` runs `os.system`. This VM never calls Python
 * and never calls anything the caller did not hand it: every GLOBAL goes through
 * `hooks.findClass`, which must return one of its own `PickleCallable`s or throw. The check
 * happens when the name is loaded, before any argument is even built.
 *
 * Values: str → string, int → number (bigint beyond 2^53), float → number, bytes → Uint8Array,
 * None → null, bool → boolean, list and tuple → array, dict → Map.
 */

/** A callable the caller allows; `call` receives REDUCE's argument tuple. */
export class PickleCallable {
  constructor(
    readonly qualname: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

export interface UnpicklerHooks {
  /** Resolves `module.name`; must throw for anything not on the caller's allowlist. */
  findClass(module: string, name: string): PickleCallable;
  /** Turns a persistent id (PyTorch: a storage reference) into a value. */
  persistentLoad(pid: unknown): unknown;
}

/** Thrown for pickles that are malformed or use something this VM refuses. */
export class PickleError extends Error {
  override readonly name = 'PickleError';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Runs the pickle that starts at `start` in `data` and returns its value and the offset just
 * after its STOP opcode (PyTorch's legacy format writes several pickles back to back).
 * `where` names the file in error messages.
 */
export function unpickle(data: Uint8Array, hooks: UnpicklerHooks, where: string, start = 0): { value: unknown; end: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = start;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const fail = (msg: string): never => {
    throw new PickleError(`${where}: ${msg} (pickle offset ${pos}).`);
  };
  const need = (n: number) => {
    if (pos + n > data.length) fail('the pickle ends early; the file is truncated or corrupt');
  };
  const u8 = () => (need(1), data[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('a length is too large');
    return Number(v);
  };
  const bytes = (n: number) => (need(n), (pos += n), data.subarray(pos - n, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('a text line never ends');
    const s = new TextDecoder('latin1').decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const utf8 = (n: number) => {
    try {
      return decoder.decode(bytes(n));
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const pop = () => (stack.length ? stack.pop() : fail('the stack is empty'));
  const top = () => (stack.length ? stack[stack.length - 1] : fail('the stack is empty'));
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) return fail('a MARK is missing');
    stack = prev;
    return items;
  };
  const memoGet = (i: number) => (memo.has(i) ? memo.get(i) : fail(`memo entry ${i} is missing`));
  const callable = (f: unknown): PickleCallable => (f instanceof PickleCallable ? f : fail('a pickle tried to call something that is not an allowed global'));
  const toMap = (d: unknown): Map<unknown, unknown> => (d instanceof Map ? d : fail('SETITEM on something that is not a dict'));
  const toList = (l: unknown): unknown[] => (Array.isArray(l) ? l : fail('APPEND on something that is not a list'));
  const intFromLE = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const textInt = (s: string): number | bigint | boolean => {
    if (s === '01') return true;
    if (s === '00') return false;
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d+$/.test(t)) fail(`bad integer '${s}'`);
    const v = BigInt(t);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5 is not supported');
        break;
      case 0x95: // FRAME: framing is only a buffering hint
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
      case 0x6c: {
        // LIST. (Pop first: `stack.push(popMark())` would bind the old stack before the call.)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new Map();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(u64()));
        break;
      case 0x54: // BINSTRING (Python 2 str): latin-1 text
        stack.push(new TextDecoder('latin1').decode(bytes(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder('latin1').decode(bytes(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(new Uint8Array(bytes(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new Uint8Array(bytes(u8())));
        break;
      case 0x8e: // BINBYTES8
        stack.push(new Uint8Array(bytes(u64())));
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(intFromLE(bytes(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length');
        stack.push(intFromLE(bytes(n)));
        break;
      }
      case 0x49: // INT (text)
      case 0x4c: // LONG (text)
        stack.push(textInt(line()));
        break;
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x67: // GET (text)
        stack.push(memoGet(Number(line())));
        break;
      case 0x63: {
        // GLOBAL: "module\nname\n" — checked against the allowlist right here.
        const module = line();
        stack.push(hooks.findClass(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(hooks.findClass(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = callable(pop());
        if (!Array.isArray(args)) fail(`${f.qualname} was called without an argument tuple`);
        stack.push(f.call(args as unknown[]));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); only allowed classes can get here.
        const args = pop();
        const f = callable(pop());
        stack.push(f.call(Array.isArray(args) ? args : []));
        break;
      }
      case 0x62: {
        // BUILD: a state dict's OrderedDict carries `_metadata` here; nothing we need.
        pop();
        if (!(top() instanceof Map)) fail('BUILD on an object other than a dict');
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        toMap(top()).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = toMap(top());
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        toList(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        toList(top()).push(...items);
        break;
      }
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not supported by the safe loader`);
    }
  }
}
