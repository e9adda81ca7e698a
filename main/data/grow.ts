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
