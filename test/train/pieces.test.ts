import { describe, expect, it } from 'vitest';
import { defaultMegaFactor, lengthGroupedBatches } from '../../main/train/batching.ts';
import { initialEarlyStopping, updateEarlyStopping } from '../../main/train/early-stopping.ts';
import { Rng } from '../../main/train/rng.ts';
import { linearWarmupDecay } from '../../main/train/schedule.ts';

describe('linear schedule with warmup (HF semantics, fixture README)', () => {
  it('warms up from 0 then decays linearly to 0', () => {
    // lr 1e-4, warmup 1, total 4: step 0 → 0; step 1 → 1e-4·(4−1)/(4−1); step 2 → 1e-4·2/3; step 3 → 1e-4·1/3
    const lrs = [0, 1, 2, 3, 4, 5].map((s) => linearWarmupDecay(s, 1e-4, 1, 4));
    expect(lrs[0]).toBe(0);
    expect(lrs[1]).toBeCloseTo(1e-4, 15);
    expect(lrs[2]).toBeCloseTo((1e-4 * 2) / 3, 15);
    expect(lrs[3]).toBeCloseTo((1e-4 * 1) / 3, 15);
    expect(lrs[4]).toBe(0);
    expect(lrs[5]).toBe(0);
  });

  it('without warmup starts at the full rate', () => {
    expect(linearWarmupDecay(0, 2e-5, 0, 10)).toBe(2e-5);
    expect(linearWarmupDecay(5, 2e-5, 0, 10)).toBeCloseTo(1e-5, 15);
  });
});

describe('early stopping', () => {
  const cfg = { patience: 2, minDelta: 0, mode: 'max' as const };
  it('stops after `patience` evaluations without improvement and remembers the best', () => {
    let s = initialEarlyStopping();
    const seen: boolean[] = [];
    for (const [i, v] of [0.5, 0.7, 0.69, 0.7, 0.65].entries()) {
      const d = updateEarlyStopping(cfg, s, v, { step: (i + 1) * 10, epoch: i + 1 });
      s = d.state;
      seen.push(d.stop);
    }
    // 0.7 at evaluation 1 is best; 0.69 (wait 1), 0.7 is not > 0.7 (wait 2 → stop at evaluation 3).
    expect(seen).toEqual([false, false, false, true, true]);
    expect(s.best).toBe(0.7);
    expect(s.bestEvaluation).toBe(1);
    expect(s.bestEpoch).toBe(2);
  });

  it('needs more than min_delta to count as an improvement, and NaN never improves', () => {
    let s = updateEarlyStopping({ patience: 5, minDelta: 0.01, mode: 'max' }, initialEarlyStopping(), 0.5, { step: 1, epoch: 1 }).state;
    const d = updateEarlyStopping({ patience: 5, minDelta: 0.01, mode: 'max' }, s, 0.505, { step: 2, epoch: 2 });
    expect(d.improved).toBe(false);
    s = d.state;
    expect(updateEarlyStopping({ patience: 5, minDelta: 0, mode: 'max' }, s, Number.NaN, { step: 3, epoch: 3 }).improved).toBe(false);
  });

  it('min mode improves downwards', () => {
    const s = updateEarlyStopping({ patience: 1, minDelta: 0, mode: 'min' }, initialEarlyStopping(), 1.0, { step: 1, epoch: 1 }).state;
    expect(updateEarlyStopping({ patience: 1, minDelta: 0, mode: 'min' }, s, 0.9, { step: 2, epoch: 2 }).improved).toBe(true);
  });
});

describe('length-grouped batches', () => {
  it('covers every index once, groups similar lengths, and puts the longest batch first', () => {
    const rng = new Rng(42);
    const lengths = Array.from({ length: 1000 }, () => 5 + rng.int(120));
    const batches = lengthGroupedBatches(lengths, 16, new Rng(7));
    const all = batches.flat().sort((a, b) => a - b);
    expect(all).toEqual(lengths.map((_, i) => i));
    const maxLen = Math.max(...lengths);
    expect(Math.max(...batches[0].map((i) => lengths[i]))).toBe(maxLen);
    // Padding waste: sum over batches of (max − each) is far below random batching's.
    const waste = (bs: number[][]) => bs.reduce((acc, b) => acc + b.reduce((a, i) => a + Math.max(...b.map((j) => lengths[j])) - lengths[i], 0), 0);
    const random: number[][] = [];
    const order = new Rng(7).shuffle(lengths.map((_, i) => i));
    for (let i = 0; i < order.length; i += 16) random.push(order.slice(i, i + 16));
    expect(waste(batches)).toBeLessThan(waste(random) / 5);
  });

  it('cuts a small dataset into at least 4 mega-batches, as Hugging Face does', () => {
    // 480 examples at batch 16: mega-batches of 7 × 16 = 112 (HF's min(480 // 64, 50)), so an
    // epoch is 5 sweeps from long to short, not one over the whole dataset.
    expect(defaultMegaFactor(480, 16)).toBe(7);
    expect(defaultMegaFactor(100_000, 16)).toBe(50);
    expect(defaultMegaFactor(20, 16)).toBe(1);
    const rng = new Rng(5);
    const lengths = Array.from({ length: 480 }, () => 5 + rng.int(60));
    const batches = lengthGroupedBatches(lengths, 16, new Rng(9));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    // A batch whose longest example is longer than the previous batch's starts a new sweep
    // (the first batch was swapped to the front, so count from the second).
    const top = batches.map((b) => Math.max(...b.map((i) => lengths[i])));
    let sweeps = 1;
    for (let i = 2; i < top.length; i++) if (top[i] > top[i - 1]) sweeps++;
    expect(sweeps).toBeGreaterThanOrEqual(4);
  });

  it('is a pure function of the seed', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 50);
    expect(lengthGroupedBatches(lengths, 8, new Rng(3))).toEqual(lengthGroupedBatches(lengths, 8, new Rng(3)));
    expect(lengthGroupedBatches(lengths, 8, new Rng(3))).not.toEqual(lengthGroupedBatches(lengths, 8, new Rng(4)));
  });
});
