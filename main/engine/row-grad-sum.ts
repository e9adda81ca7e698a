// The accumulated gradient of an embedding table built from sparse pieces: each micro-batch
// brings the gradients of the rows it gathered ([T,H]) and their ids, and they are added into
// one dense [rows, H] buffer that the apply graph reads. The buffer is kept across steps and
// only the rows a step touched are zeroed afterwards: allocating a fresh vocab × H array per
// step costs page faults and garbage collection that the sparse gradient is meant to save.

export class RowGradSum {
  private readonly buf: Float32Array;
  /** Rows written since the last clear() (each once). */
  private readonly touched: number[] = [];
  private readonly isTouched: Uint8Array;

  constructor(
    rows: number,
    private readonly width: number,
    /** Ids whose rows get no gradient (nn.Embedding's padding_idx). */
    private readonly paddingId: number,
  ) {
    this.buf = new Float32Array(rows * width);
    this.isTouched = new Uint8Array(rows);
  }

  /** Adds row t of `grads` ([ids.length, width]) into row ids[t], in token order; padding ids are skipped. */
  add(grads: Float32Array, ids: BigInt64Array): void {
    const w = this.width;
    if (grads.length !== ids.length * w) throw new Error(`Row gradients have ${grads.length} values for ${ids.length} ids of width ${w}.`);
    const buf = this.buf;
    for (let t = 0; t < ids.length; t++) {
      const id = Number(ids[t]);
      if (id === this.paddingId) continue;
      if (!this.isTouched[id]) {
        this.isTouched[id] = 1;
        this.touched.push(id);
      }
      const dst = id * w;
      const src = t * w;
      for (let j = 0; j < w; j++) buf[dst + j] += grads[src + j];
    }
  }

  /** The dense sum (zero outside touched rows); valid until clear(). */
  get dense(): Float32Array {
    return this.buf;
  }

  /** Back to all zeros, touching only the rows written since the last clear. */
  clear(): void {
    const w = this.width;
    for (const id of this.touched) {
      this.buf.fill(0, id * w, (id + 1) * w);
      this.isTouched[id] = 0;
    }
    this.touched.length = 0;
  }
}
