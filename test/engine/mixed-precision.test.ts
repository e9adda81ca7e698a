// Mixed precision: a float16 encoder on float32 master weights, float32 head, loss and AdamW, a
// dynamic loss scale. Checked on ONNX Runtime's CPU provider, which has the float16 kernels
// (the SwiftShader adapter used for WebGPU in CI has no shader-f16): the PyTorch parity fixtures
// within the documented mixed-precision tolerances, and the loss scale's skip and growth.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdamWConfig, Batch, HeadSpec } from '../../main/engine/api.ts';
import { DynamicLossScale } from '../../main/engine/loss-scale.ts';
import { MIXED_TOLERANCE, runParity } from '../../main/engine/parity.ts';
import { ResidentEngineModel } from '../../main/engine/resident-model.ts';
import { toHalfBits } from '../../main/graph/dtypes.ts';
import { parseConfig } from '../../main/models/config.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity');
const dirs = fs.existsSync(fixtures) ? fs.readdirSync(fixtures).filter((d) => fs.existsSync(path.join(fixtures, d, 'expected.json'))) : [];

describe('half-precision constants', () => {
  it('round to the nearest float16, ties to even, overflow to infinity', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(-65504)).toBe(0xfbff);
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds past the largest finite half
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie: to even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toHalfBits(0.1)).toBe(0x2e66);
  });
});

describe('dynamic loss scale', () => {
  it('halves and skips on an overflow, grows after a run of clean steps', () => {
    const s = new DynamicLossScale(1024, 3);
    expect(s.update(Number.POSITIVE_INFINITY)).toBe(true);
    expect(s.scale).toBe(512);
    expect(s.update(Number.NaN)).toBe(true);
    expect([s.scale, s.skipped]).toEqual([256, 2]);
    expect([s.update(1), s.update(2)]).toEqual([false, false]);
    expect(s.scale).toBe(256);
    s.update(3);
    expect(s.scale).toBe(512);
    // An overflow resets the run of clean steps.
    s.update(1);
    s.update(Number.POSITIVE_INFINITY);
    s.update(1);
    s.update(1);
    expect(s.scale).toBe(256);
  });
});

describe('mixed precision on the CPU provider', () => {
  it('finds the fixtures', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(6);
  });

  for (const d of dirs) {
    it(`${d}: matches PyTorch float32 within the mixed-precision tolerances`, async () => {
      const r = await runParity(path.join(fixtures, d), { precision: 'fp16' });
      for (const [k, e] of Object.entries(r.errors)) {
        const tol = k === 'params_after' ? MIXED_TOLERANCE.paramsAfter : k === 'param_delta' ? MIXED_TOLERANCE.paramDelta : MIXED_TOLERANCE.value;
        expect(e, `${d} ${k}`).toBeLessThanOrEqual(tol);
      }
      // Not a float32 run in disguise: float16 rounding shows in the logits.
      expect(r.errors.logits ?? r.errors.start_logits).toBeGreaterThan(1e-5);
      expect(r.pass).toBe(true);
    });
  }

  it('skips a step whose scaled gradients overflow float16, keeps the state, and halves the scale', async () => {
    const cfg = parseConfig({ model_type: 'bert', vocab_size: 40, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2 }, 'mixed');
    const head: HeadSpec = { kind: 'sequence-classification', numLabels: 2 };
    const adamw: AdamWConfig = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };
    const w = randomInitWeights(cfg, head, 2);
    // A scale that overflows float16 (max 65504) in every backward.
    const model = new ResidentEngineModel(cfg, head, w, adamw, {}, 'cpu', 'fp16', new DynamicLossScale(2 ** 40));
    const batch: Batch = { batch: 2, seq: 8, inputIds: BigInt64Array.from({ length: 16 }, (_, i) => BigInt(1 + (i % 30))), attentionMask: new BigInt64Array(16).fill(1n), labels: BigInt64Array.of(0n, 1n) };
    try {
      const r = await model.step(batch, { lr: 1e-2, step: 1, seed: 1, dropout: false });
      expect(Number.isFinite(r.gradNorm)).toBe(false);
      expect(model.lossScale.scale).toBe(2 ** 39);
      await model.syncToHost();
      for (const [name, t] of model.parameters()) expect(Array.from(t.data), name).toEqual(Array.from(w.get(name)!.data));
      expect(model.optimizerState().m.get('classifier.weight')!.data.every((x) => x === 0)).toBe(true);
      // Back to a scale float16 holds: the next step trains.
      model.lossScale.scale = 2 ** 10;
      const ok = await model.step(batch, { lr: 1e-2, step: 2, seed: 1, dropout: false });
      expect(Number.isFinite(ok.gradNorm)).toBe(true);
      expect(model.lossScale.skipped).toBe(1);
      await model.syncToHost();
      expect(Array.from(model.parameters().get('classifier.weight')!.data)).not.toEqual(Array.from(w.get('classifier.weight')!.data));
    } finally {
      await model.dispose();
    }
  });
});
