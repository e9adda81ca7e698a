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
 * dropout on, random-init BERT with vocabulary 30522 and 2 labels, seq 128, with dead backward
 * nodes pruned and the sparse word-embedding gradient when accumulating (2026-11-26):
 * `bert-studio bench --size S --batch B --micro-batch M --freeze-layers N --steps 3 --json`
 * (2 warm-up + 3 timed steps, then 4 inference batches), batch = micro-batch × accumulation.
 */
const MEASURED: { size: BenchSize; batch: number; seq: number; accumulation: number; mib: number; freezeLayers?: number }[] = [
  { size: 'tiny', batch: 4, seq: 128, accumulation: 1, mib: 388 },
  { size: 'tiny', batch: 32, seq: 128, accumulation: 1, mib: 426 },
  { size: 'tiny', batch: 16, seq: 128, accumulation: 2, mib: 445 },
  { size: 'tiny', batch: 8, seq: 128, accumulation: 4, mib: 430 },
  { size: 'mini', batch: 4, seq: 128, accumulation: 1, mib: 720 },
  { size: 'mini', batch: 32, seq: 128, accumulation: 1, mib: 965 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 1, mib: 791 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 2, mib: 878 },
  { size: 'mini', batch: 8, seq: 128, accumulation: 4, mib: 794 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 1, mib: 333, freezeLayers: 2 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 1, mib: 432, freezeLayers: 1 },
  { size: 'mini', batch: 16, seq: 128, accumulation: 2, mib: 406, freezeLayers: 2 },
  { size: 'small', batch: 4, seq: 128, accumulation: 1, mib: 1444 },
  { size: 'small', batch: 16, seq: 128, accumulation: 1, mib: 1599 },
  { size: 'small', batch: 16, seq: 128, accumulation: 1, mib: 600, freezeLayers: 2 },
  { size: 'base', batch: 4, seq: 128, accumulation: 1, mib: 4421 },
  { size: 'base', batch: 4, seq: 128, accumulation: 1, mib: 2056, freezeLayers: 6 },
];

describe('memory estimate', () => {
  it('is within ±12% of every measured peak RSS', () => {
    for (const m of MEASURED) {
      const est = toMiB(estimateTrainingMemory({ config: benchConfig(m.size), head: HEAD, batch: m.batch, seq: m.seq, accumulation: m.accumulation, freezeLayers: m.freezeLayers ?? 0 }).total);
      console.log(`${m.size} ${m.batch}×${m.accumulation} seq ${m.seq}${m.freezeLayers ? ` ${m.freezeLayers} layers frozen` : ''}: estimate ${est} MiB, measured ${m.mib} (${((est / m.mib - 1) * 100).toFixed(1)}%)`);
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

  it('frozen layers drop their gradients, AdamW state and stored activations as well', () => {
    const args = { config: benchConfig('small'), head: HEAD, batch: 16, seq: 128, freezeEmbeddings: true };
    const emb = estimateTrainingMemory(args);
    const two = estimateTrainingMemory({ ...args, freezeLayers: 2 });
    const implied = estimateTrainingMemory({ ...args, freezeEmbeddings: false, freezeLayers: 2 });
    expect(implied).toEqual(two); // freezing layers implies frozen embeddings
    expect(two.weights).toBe(emb.weights);
    // small: 4 layers of 3.15M parameters each; 2 frozen halve what the layers add.
    const layer = 4 * 512 * 512 + 2 * 512 * 2048 + 4 * 512 + 2048 + 512 + 2 * 2 * 512;
    expect(emb.adamw - two.adamw).toBe(2 * layer * 2 * 4);
    expect(emb.gradients - two.gradients).toBe(2 * layer * 2 * 4);
    expect(two.activations).toBe(emb.activations / 2);
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
    // Batch 64: its activations outweigh accumulation's extra parameter-sized buffers.
    expect(one(64)).toBeGreaterThan(one(10, 2));
    const plan = planBatch({ config, head: HEAD, seq: 128, batchSize: 64, budget: one(10, 2) + 1 });
    expect(plan.fits).toBe(true);
    expect(plan.estimate.total).toBeLessThanOrEqual(plan.budget);
    expect(plan.accumulation).toBe(7); // 10 fits, 11 does not: ⌈64/10⌉ = 7 parts of 9-10
    expect(plan.microBatch).toBe(10);
    expect(plan.microBatch * plan.accumulation).toBeGreaterThanOrEqual(64);
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
