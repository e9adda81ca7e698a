// The memory estimate against peak RSS measured on the build machine, one live bench run, and
// the automatic micro-batch plan.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { HeadSpec } from '../../main/engine/api.ts';
import { BENCH_SIZES, type BenchSize } from '../../main/engine/bench.ts';
import { parseConfig, type ModelConfig } from '../../main/models/config.ts';
import { estimateTrainingMemory, planBatch, splitEvenly, toMiB } from '../../main/train/memory.ts';

const HEAD: HeadSpec = { kind: 'sequence-classification', numLabels: 2 };
function benchConfig(size: BenchSize): ModelConfig {
  const d = BENCH_SIZES[size];
  return parseConfig({ model_type: 'bert', vocab_size: 30522, hidden_size: d.hidden, num_hidden_layers: d.layers, num_attention_heads: d.heads, intermediate_size: d.intermediate, max_position_embeddings: 512, type_vocab_size: 2, id2label: { 0: 'a', 1: 'b' } }, 'config.json');
}

/**
 * Peak RSS (MiB) measured on the 2-core build machine (24 GiB), onnxruntime-node 1.30,
 * dropout on, random-init BERT with vocabulary 30522 and 2 labels: tiny/mini at seq 128
 * without `frozen`, batch 4 and 32, from `bert-studio bench --json --steps 1`; every other
 * row from 3 training steps of the same model (micro-batch × A through EngineModel.step) with
 * no inference pass.
 */
const MEASURED: { size: BenchSize; batch: number; seq: number; accumulation: number; mib: number; freezeEmbeddings?: boolean }[] = [
  { size: 'tiny', batch: 4, seq: 128, accumulation: 1, mib: 390 },
  { size: 'tiny', batch: 32, seq: 128, accumulation: 1, mib: 484 },
  { size: 'tiny', batch: 32, seq: 64, accumulation: 1, mib: 415 },
  { size: 'mini', batch: 4, seq: 128, accumulation: 1, mib: 731 },
  { size: 'mini', batch: 32, seq: 128, accumulation: 1, mib: 1159 },
  { size: 'small', batch: 4, seq: 128, accumulation: 1, mib: 1457 },
  { size: 'small', batch: 16, seq: 128, accumulation: 1, mib: 1774 },
  { size: 'base', batch: 4, seq: 128, accumulation: 1, mib: 4731 },
  { size: 'tiny', batch: 16, seq: 128, accumulation: 2, mib: 493 },
  { size: 'tiny', batch: 8, seq: 128, accumulation: 4, mib: 454 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 2, mib: 1050 },
  { size: 'mini', batch: 8, seq: 128, accumulation: 4, mib: 924 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 1, mib: 954 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 1, mib: 556, freezeEmbeddings: true },
  { size: 'mini', batch: 8, seq: 128, accumulation: 2, mib: 466, freezeEmbeddings: true },
];

describe('memory estimate', () => {
  it('is within ±12% of every measured peak RSS', () => {
    for (const m of MEASURED) {
      const est = toMiB(estimateTrainingMemory({ config: benchConfig(m.size), head: HEAD, batch: m.batch, seq: m.seq, accumulation: m.accumulation, freezeEmbeddings: m.freezeEmbeddings ?? false }).total);
      console.log(`${m.size} ${m.batch}×${m.accumulation} seq ${m.seq}${m.freezeEmbeddings ? ' frozen' : ''}: estimate ${est} MiB, measured ${m.mib} (${((est / m.mib - 1) * 100).toFixed(1)}%)`);
      expect(Math.abs(est / m.mib - 1), `${m.size} ${m.batch}×${m.accumulation} seq ${m.seq}: estimate ${est} MiB, measured ${m.mib}`).toBeLessThan(0.12);
    }
  });

  it('is within a factor 1.25 of a live tiny bench run on this machine', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/bert-studio.mjs', 'bench', '--size', 'tiny', '--batch', '8', '--seq', '128', '--steps', '1', '--json'], { timeout: 120_000 });
    const measured = (JSON.parse(stdout) as { peak_rss_mib: number }).peak_rss_mib;
    const est = toMiB(estimateTrainingMemory({ config: benchConfig('tiny'), head: HEAD, batch: 8, seq: 128 }).total);
    console.log(`tiny 8×1 seq 128 live: estimate ${est} MiB, measured ${measured}`);
    expect(est / measured).toBeGreaterThan(1 / 1.25);
    expect(est / measured).toBeLessThan(1.25);
  }, 150_000);

  it('frozen embeddings need less: no gradients, temporaries or ORT copies for the tables', () => {
    const args = { config: benchConfig('mini'), head: HEAD, batch: 16, seq: 128 };
    const frozen = estimateTrainingMemory({ ...args, freezeEmbeddings: true });
    const full = estimateTrainingMemory(args);
    expect(frozen.weights).toBe(full.weights);
    expect(frozen.total).toBeLessThan(full.total * 0.7);
  });
});

describe('automatic batch size', () => {
  const config = benchConfig('mini');
  const one = (batch: number, accumulation = 1) => estimateTrainingMemory({ config, head: HEAD, batch, seq: 128, accumulation }).total;

  it('keeps the whole batch in one step when it fits', () => {
    const plan = planBatch({ config, head: HEAD, seq: 128, batchSize: 32, budget: one(32) + 1 });
    expect(plan).toMatchObject({ microBatch: 32, accumulation: 1, fits: true });
  });

  it('splits into the largest micro-batches that fit, keeping the effective batch', () => {
    const plan = planBatch({ config, head: HEAD, seq: 128, batchSize: 32, budget: one(10, 2) + 1 });
    expect(plan.fits).toBe(true);
    expect(plan.estimate.total).toBeLessThanOrEqual(plan.budget);
    expect(plan.accumulation).toBe(4); // 10 fits, 11 does not: ⌈32/10⌉ = 4 parts of 8
    expect(plan.microBatch).toBe(8);
    expect(plan.microBatch * plan.accumulation).toBeGreaterThanOrEqual(32);
  });

  it('says when nothing fits, and then takes the plan that needs least', () => {
    const plan = planBatch({ config, head: HEAD, seq: 128, batchSize: 8, budget: 100 * 2 ** 20 });
    expect(plan.fits).toBe(false);
    // Accumulation's extra parameter-sized buffers outweigh 7 examples' activations here.
    expect(plan).toMatchObject({ microBatch: 8, accumulation: 1 });
    const long = planBatch({ config, head: HEAD, seq: 512, batchSize: 64, budget: 100 * 2 ** 20 });
    expect(long).toMatchObject({ microBatch: 1, accumulation: 64, fits: false });
  });

  it("follows the user's micro-batch when given", () => {
    expect(planBatch({ config, head: HEAD, seq: 128, batchSize: 32, budget: 2 ** 40, microBatch: 12 })).toMatchObject({ microBatch: 11, accumulation: 3 });
    expect(planBatch({ config, head: HEAD, seq: 128, batchSize: 8, budget: 2 ** 40, microBatch: 64 })).toMatchObject({ microBatch: 8, accumulation: 1 });
  });

  it('splits a batch into near-equal contiguous parts', () => {
    expect(splitEvenly([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5], [6, 7]]);
    expect(splitEvenly([1, 2], 4)).toEqual([[1], [2]]);
    expect(splitEvenly([1, 2, 3], 1)).toEqual([[1, 2, 3]]);
  });
});
