import { describe, expect, it } from 'vitest';
import type { RunPlan } from '../../main/api/contract.ts';
import { planBatchText, planLine, planMemoryText } from '../../main/api/wording.ts';

// The run's plan in the one line the Training screen shows (and the History table's parts of it).

const PLAN: RunPlan = { device: 'cpu', cores: 2, batchSize: 32, microBatch: 8, accumulation: 4, peakMiB: 610, budgetMiB: 6144, fits: true };

describe('planLine', () => {
  it('says where, how the batch is split and the memory against the limit', () => {
    expect(planLine(PLAN, true)).toBe('Training on the CPU (2 cores) · batch 32 as 4 passes of 8 (gradient accumulation) · about 610 MiB of the 6 GiB limit');
    expect(planLine(PLAN, false)).toBe('Trained on the CPU (2 cores) · batch 32 as 4 passes of 8 (gradient accumulation) · about 610 MiB of the 6 GiB limit');
  });

  it('says "one pass" without accumulation, and one core in the singular', () => {
    expect(planLine({ ...PLAN, cores: 1, microBatch: 32, accumulation: 1, peakMiB: 1536 }, true)).toBe('Training on the CPU (1 core) · batch 32 in one pass · about 1.5 GiB of the 6 GiB limit');
  });

  it('says "up to" when the passes are not all the same size', () => {
    // 10 examples in passes of at most 4: 4 + 3 + 3.
    expect(planBatchText({ batchSize: 10, microBatch: 4, accumulation: 3 })).toBe('batch 10 as 3 passes of up to 4 (gradient accumulation)');
  });

  it('warns when even the smallest pass is estimated over the limit', () => {
    expect(planMemoryText({ peakMiB: 9000, budgetMiB: 4096, fits: false })).toBe('about 8.8 GiB, over the 4 GiB limit: it may run out of memory');
  });

  it('names a GPU provider, and the CPU without a core count when none was recorded', () => {
    const { cores: _cores, ...noCores } = PLAN;
    expect(planLine({ ...noCores, device: 'cuda' }, true)).toMatch(/^Training on CUDA \(NVIDIA\) · /);
    expect(planLine(noCores, true)).toMatch(/^Training on the CPU · /);
  });
});
