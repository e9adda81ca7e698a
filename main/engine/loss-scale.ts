// Dynamic loss scaling for mixed precision, as PyTorch's GradScaler does it: the backward is
// seeded with `scale` so that small float16 gradients do not flush to zero; a step whose
// gradients overflowed (norm inf or NaN) is skipped — the graph keeps the old state — and the
// scale halves; after `growthInterval` clean steps in a row it doubles.

export class DynamicLossScale {
  private clean = 0;
  /** Steps skipped so far: AdamW's step count (its bias corrections) does not advance on them. */
  skipped = 0;

  constructor(
    public scale = 2 ** 16,
    readonly growthInterval = 2000,
    readonly factor = 2,
  ) {}

  /** Records a step by its unscaled gradient norm; true when it was skipped. */
  update(gradNorm: number): boolean {
    if (!Number.isFinite(gradNorm)) {
      this.scale = Math.max(1, this.scale / this.factor);
      this.clean = 0;
      this.skipped++;
      return true;
    }
    if (++this.clean >= this.growthInterval) {
      // 2^24: past it float32 master gradients times the scale would overflow before unscaling.
      this.scale = Math.min(2 ** 24, this.scale * this.factor);
      this.clean = 0;
    }
    return false;
  }
}
