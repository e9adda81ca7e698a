// The benchmark runs end to end and reports what the README table needs (not a timing test).
import { describe, expect, it } from 'vitest';
import { benchSize } from '../../main/engine/bench.ts';

describe('bench', () => {
  it('times a tiny BERT step and reports the fields, with no PyTorch ratio off the reference shape', async () => {
    const r = await benchSize('tiny', { batch: 2, seq: 8, steps: 1, warmup: 0 });
    expect(r).toMatchObject({ size: 'tiny', batch: 2, seq: 8, device: 'cpu', steps: 1, ratio: null, pytorch_sec_per_step: null });
    expect(r.sec_per_step).toBeGreaterThan(0);
    expect(r.tokens_per_sec).toBeGreaterThan(0);
    expect(r.peak_rss_mib).toBeGreaterThan(0);
  });
});
