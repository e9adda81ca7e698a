/** Growable typed arrays: per-example facts for 1M rows in a few MB instead of 1M objects. */
type TypedArray = Int32Array | Uint8Array | Float64Array | Uint16Array;
type Ctor<T> = new (n: number) => T;

export class Grow<T extends TypedArray> {
  private buf: T;
  length = 0;
  constructor(private readonly ctor: Ctor<T>, initial = 1024) {
    this.buf = new ctor(initial);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.ctor(this.buf.length * 2);
      next.set(this.buf as never);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  get(i: number): number {
    return this.buf[i];
  }
  set(i: number, v: number): void {
    this.buf[i] = v;
  }
}

/**
 * cyrb53: a fast 53-bit string hash. Duplicate detection keys on it instead of keeping every
 * text in memory; at 1M rows the chance of any collision is about 1 in 10^5.
 */
export function hash53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Case and whitespace folded, for near-duplicate detection. */
export function fold(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * An open-addressing hash map from 53-bit hashes to non-negative integers, on typed arrays:
 * about 12 bytes a slot instead of the ~80 a JS Map entry costs, so 1M keys stay ~25 MB.
 */
export class HashIndex {
  private keys = new Float64Array(1 << 12);
  private values = new Int32Array(1 << 12).fill(-1);
  private size = 0;

  get(key: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let i = key % mask; ; i = (i + 1) & mask) {
      const v = this.values[i];
      if (v === -1) return undefined;
      if (this.keys[i] === key) return v;
    }
  }

  /** Sets `key` to `value` (≥ 0). */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = key % mask; ; i = (i + 1) & mask) {
      if (this.values[i] === -1) {
        this.keys[i] = key;
        this.values[i] = value;
        this.size++;
        return;
      }
      if (this.keys[i] === key) {
        this.values[i] = value;
        return;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Int32Array(oldKeys.length * 2).fill(-1);
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldValues[i] !== -1) this.set(oldKeys[i], oldValues[i]);
  }
}
