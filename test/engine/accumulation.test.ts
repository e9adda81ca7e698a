// Gradient accumulation: micro-batches whose losses are weighted by their share of the
// examples (1/A for equal ones, as Hugging Face's Trainer does), then one clip + AdamW, must
// give the same update as one step on the whole batch. Also: frozen embeddings stay put.
import { describe, expect, it } from 'vitest';
import type { Batch, EngineModel, HeadSpec } from '../../main/engine/api.ts';
import { createEngineModel } from '../../main/engine/engine-model.ts';
import { isEmbeddingParam } from '../../main/engine/train-graph.ts';
import { parseConfig } from '../../main/models/config.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';
import { relErr } from './check.ts';

// maxGradNorm small enough that clipping is active: the clip must see the summed gradients.
const ADAMW = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 0.5 };
const CFG = parseConfig({ model_type: 'bert', vocab_size: 40, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 20, type_vocab_size: 2, initializer_range: 0.2 }, 'config.json');
const HEAD: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
const S = 6;

/** Rows [from, to) of a 4-example batch; rows 1 and 3 end in padding. */
function rows(from: number, to: number): Batch {
  const ids: bigint[] = [];
  for (let r = from; r < to; r++) for (let j = 0; j < S; j++) ids.push(r % 2 === 1 && j >= S - 2 ? 0n : BigInt(2 + ((r * 11 + j * 7) % 37)));
  const inputIds = BigInt64Array.from(ids);
  return { batch: to - from, seq: S, inputIds, attentionMask: BigInt64Array.from(ids, (v) => (v === 0n ? 0n : 1n)), labels: BigInt64Array.from({ length: to - from }, (_, i) => BigInt((from + i) % 3)) };
}

const model = (freezeEmbeddings = false): Promise<EngineModel> => createEngineModel({ config: CFG, head: HEAD, weights: randomInitWeights(CFG, HEAD, 7), adamw: ADAMW, freezeEmbeddings });

/**
 * Worst whole-tensor relative error over the parameters. The attention key bias is left out:
 * it adds q·b to every score of a softmax row, so its true gradient is exactly 0 and what
 * float32 computes is rounding noise (~1e-9), which AdamW scales up to ±lr — noise that
 * differs between any two summation orders (DESIGN.md, the AdamW precision trap).
 */
function worstParamErr(a: EngineModel, b: EngineModel): number {
  const pb = b.parameters();
  let worst = 0;
  for (const [name, t] of a.parameters()) if (!name.endsWith('attention.self.key.bias')) worst = Math.max(worst, relErr(t.data, pb.get(name)!.data));
  return worst;
}

describe('gradient accumulation', () => {
  it('2 micro-batches of 2 = one step on the 4-example batch (3 steps, clipping on, dropout off)', async () => {
    const [whole, acc] = await Promise.all([model(), model()]);
    try {
      for (let t = 1; t <= 3; t++) {
        const opts = { lr: 1e-2, step: t, seed: 1, dropout: false };
        const a = await whole.step(rows(0, 4), opts);
        const b = await acc.step([rows(0, 2), rows(2, 4)], opts);
        expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-5);
        expect(Math.abs(b.gradNorm - a.gradNorm) / a.gradNorm).toBeLessThan(1e-5);
        expect(a.gradNorm).toBeGreaterThan(ADAMW.maxGradNorm); // clipping really happened
      }
      expect(worstParamErr(whole, acc)).toBeLessThan(1e-5);
      const mw = whole.optimizerState();
      const ma = acc.optimizerState();
      for (const [name, t] of mw.v) if (!name.endsWith('key.bias')) expect(relErr(t.data, ma.v.get(name)!.data), name).toBeLessThan(1e-5);
    } finally {
      await Promise.all([whole.dispose(), acc.dispose()]);
    }
  });

  it('accumulate()/applyUpdate() by hand, uneven micro-batches weighted by their examples', async () => {
    const [whole, acc] = await Promise.all([model(), model()]);
    try {
      const a = await whole.step(rows(0, 4), { lr: 1e-2, step: 1, seed: 1, dropout: false });
      const micro = { seed: 1, dropout: false };
      const l1 = await acc.accumulate(rows(0, 3), { ...micro, dropoutKey: 1, lossScale: 3 / 4 });
      const l2 = await acc.accumulate(rows(3, 4), { ...micro, dropoutKey: 2, lossScale: 1 / 4 });
      const { gradNorm } = await acc.applyUpdate({ lr: 1e-2, step: 1 });
      expect(Math.abs((3 * l1.loss + l2.loss) / 4 - a.loss) / a.loss).toBeLessThan(1e-5);
      expect(Math.abs(gradNorm - a.gradNorm) / a.gradNorm).toBeLessThan(1e-5);
      expect(worstParamErr(whole, acc)).toBeLessThan(1e-5);
      await expect(acc.applyUpdate({ lr: 1e-2, step: 2 })).rejects.toThrow(/no accumulated gradients/);
    } finally {
      await Promise.all([whole.dispose(), acc.dispose()]);
    }
  });

  it('dropout on: one micro-batch keyed by the step = the one-graph step (same masks)', async () => {
    const [whole, acc] = await Promise.all([model(), model()]);
    try {
      const a = await whole.step(rows(0, 4), { lr: 1e-2, step: 3, seed: 9, dropout: true });
      const l = await acc.accumulate(rows(0, 4), { seed: 9, dropout: true, dropoutKey: 3, lossScale: 1 });
      const { gradNorm } = await acc.applyUpdate({ lr: 1e-2, step: 3 });
      expect(Math.abs(l.loss - a.loss) / a.loss).toBeLessThan(1e-6);
      expect(Math.abs(gradNorm - a.gradNorm) / a.gradNorm).toBeLessThan(1e-5);
      expect(worstParamErr(whole, acc)).toBeLessThan(1e-5);
    } finally {
      await Promise.all([whole.dispose(), acc.dispose()]);
    }
  });

  it('dropout on: each micro-batch gets its own masks, and runs repeat exactly', async () => {
    const [x, y] = await Promise.all([model(), model()]);
    try {
      const opts = { lr: 1e-2, step: 1, seed: 5, dropout: true };
      const rx = await x.step([rows(0, 2), rows(0, 2)], opts);
      const ry = await y.step([rows(0, 2), rows(0, 2)], opts);
      expect(rx).toEqual(ry);
      expect(worstParamErr(x, y)).toBe(0);
      // Same rows twice: with the same mask the two losses would be equal.
      const l1 = await x.accumulate(rows(0, 2), { seed: 5, dropout: true, dropoutKey: 3, lossScale: 0.5 });
      const l2 = await x.accumulate(rows(0, 2), { seed: 5, dropout: true, dropoutKey: 4, lossScale: 0.5 });
      expect(l1.loss).not.toBe(l2.loss);
      await x.applyUpdate({ lr: 1e-2, step: 2 });
    } finally {
      await Promise.all([x.dispose(), y.dispose()]);
    }
  });
});

describe('frozen embeddings', () => {
  it('embedding tables do not change, on both the one-graph and the accumulation path; the rest trains', async () => {
    const m = await model(true);
    try {
      const before = m.parameters();
      await m.step(rows(0, 4), { lr: 1e-2, step: 1, seed: 1, dropout: true });
      await m.step([rows(0, 2), rows(2, 4)], { lr: 1e-2, step: 2, seed: 1, dropout: true });
      const after = m.parameters();
      const frozen = [...before.keys()].filter(isEmbeddingParam);
      expect(frozen).toContain('bert.embeddings.word_embeddings.weight');
      expect(frozen).toContain('bert.embeddings.LayerNorm.weight');
      for (const name of frozen) expect(after.get(name)!.data, name).toEqual(before.get(name)!.data);
      for (const name of frozen) expect(m.optimizerState().m.get(name)!.data.every((x) => x === 0), name).toBe(true);
      expect(relErr(after.get('classifier.weight')!.data, before.get('classifier.weight')!.data)).toBeGreaterThan(1e-4);
      expect(relErr(after.get('bert.encoder.layer.0.attention.self.query.weight')!.data, before.get('bert.encoder.layer.0.attention.self.query.weight')!.data)).toBeGreaterThan(1e-4);
    } finally {
      await m.dispose();
    }
  });
});
