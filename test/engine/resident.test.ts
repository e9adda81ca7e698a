// The device-resident engine model (GPU providers): flat parameter groups, one AdamW over them,
// sequence buckets with static shapes, the host prelude. Checked against the per-tensor CPU model
// on the CPU provider (where the resident code runs too, with host memory as "the device"), and on
// WebGPU where the device probe says it trains (SwiftShader in CI).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdamWConfig, Batch, HeadSpec } from '../../main/engine/api.ts';
import { bucketSeq, cutSeq, padBatch } from '../../main/engine/buckets.ts';
import { probeDevicesOnce, softwareVulkan } from '../../main/engine/devices.ts';
import { OrtEngineModel } from '../../main/engine/model.ts';
import { ResidentEngineModel } from '../../main/engine/resident-model.ts';
import { parseConfig } from '../../main/models/config.ts';
import { siteKeyHost } from '../../main/models/graph/dropout.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && softwareVulkan() && fs.existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const ADAMW: AdamWConfig = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

function config(hidden = 16) {
  return parseConfig({ model_type: 'bert', vocab_size: 50, hidden_size: hidden, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 2 * hidden, max_position_embeddings: 40, type_vocab_size: 2, id2label: { 0: 'a', 1: 'b', 2: 'c' } }, 'resident-test');
}

function batchOf(b: number, s: number, head: HeadSpec, seed = 1): Batch {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const lengths = Array.from({ length: b }, (_, r) => (r === 0 ? s : 2 + (next() % (s - 1))));
  const ids = BigInt64Array.from({ length: b * s }, (_, i) => (i % s < lengths[Math.floor(i / s)] ? BigInt(1 + (next() % 49)) : 0n));
  const mask = BigInt64Array.from(ids, (v) => (v === 0n ? 0n : 1n));
  const out: Batch = { batch: b, seq: s, inputIds: ids, attentionMask: mask, tokenTypeIds: new BigInt64Array(b * s) };
  if (head.kind === 'token-classification') out.labels = BigInt64Array.from(ids, (v) => (v === 0n ? -100n : BigInt(Number(v) % 3)));
  else out.labels = BigInt64Array.from({ length: b }, () => BigInt(next() % 3));
  return out;
}

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

async function worstParamError(a: { syncToHost(): Promise<void>; parameters(): Map<string, { data: Float32Array }> }, b: { syncToHost(): Promise<void>; parameters(): Map<string, { data: Float32Array }> }): Promise<number> {
  await a.syncToHost();
  await b.syncToHost();
  const pb = b.parameters();
  let worst = 0;
  // The key bias's gradient is zero in exact arithmetic (softmax is shift-invariant): its first
  // AdamW step is lr·sign(rounding noise), which any change of summation order flips.
  for (const [name, t] of a.parameters()) if (!name.endsWith('attention.self.key.bias')) worst = Math.max(worst, relL2(t.data, pb.get(name)!.data));
  return worst;
}

describe('sequence buckets', () => {
  it('rounds lengths up to 8 (≤ 32) or 32, never past the model', () => {
    expect([1, 8, 9, 32, 33, 100, 128].map((s) => bucketSeq(s, 128))).toEqual([8, 8, 16, 32, 64, 128, 128]);
    expect(bucketSeq(60, 62)).toBe(62);
  });

  it('pads ids with the pad id, masks with 0, token labels with -100, and cuts outputs back', () => {
    const head: HeadSpec = { kind: 'token-classification', numLabels: 3 };
    const b: Batch = { batch: 2, seq: 3, inputIds: BigInt64Array.of(5n, 6n, 7n, 8n, 9n, 1n), attentionMask: BigInt64Array.of(1n, 1n, 1n, 1n, 1n, 0n), labels: BigInt64Array.of(0n, 1n, 2n, 1n, 0n, -100n) };
    const p = padBatch(b, 5, 1, head);
    expect(Array.from(p.inputIds, Number)).toEqual([5, 6, 7, 1, 1, 8, 9, 1, 1, 1]);
    expect(Array.from(p.attentionMask, Number)).toEqual([1, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
    expect(Array.from(p.labels as BigInt64Array, Number)).toEqual([0, 1, 2, -100, -100, 1, 0, -100, -100, -100]);
    expect(Array.from(cutSeq(Float32Array.from({ length: 10 }, (_, i) => i), 2, 5, 3, 1))).toEqual([0, 1, 2, 5, 6, 7]);
  });

  it('keeps an ignored QA position ignored at the padded length', () => {
    const b: Batch = { batch: 1, seq: 4, inputIds: BigInt64Array.of(2n, 3n, 4n, 5n), attentionMask: BigInt64Array.of(1n, 1n, 1n, 1n), startPositions: BigInt64Array.of(9n), endPositions: BigInt64Array.of(2n) };
    const p = padBatch(b, 8, 0, { kind: 'question-answering' });
    expect(Array.from(p.startPositions!, Number)).toEqual([8]);
    expect(Array.from(p.endPositions!, Number)).toEqual([2]);
  });
});

describe('dropout keys from the host', () => {
  it('are the graph keys, bit for bit (spot values from the int64 graph arithmetic)', () => {
    // Values the in-graph siteKey produced on ONNX Runtime's CPU provider for these inputs.
    const k = [siteKeyHost(0, 1, 0), siteKeyHost(3, 2, 5), siteKeyHost(2 ** 31, 7, 11)];
    for (const v of k) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 31 - 1).toBe(true);
    expect(new Set(k).size).toBe(3);
  });
});

describe('device-resident model on the CPU provider', () => {
  const cfg = config();
  const seqcls: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };

  it('one flat AdamW over parameter groups matches the per-tensor step (dropout on, 3 steps)', async () => {
    const w = randomInitWeights(cfg, seqcls, 3);
    const ref = new OrtEngineModel(cfg, seqcls, w, ADAMW);
    const res = new ResidentEngineModel(cfg, seqcls, w, ADAMW, {}, 'cpu');
    try {
      for (let step = 1; step <= 3; step++) {
        const batch = batchOf(4, 8, seqcls, step);
        const a = await ref.step(batch, { lr: 1e-3, step, seed: 5, dropout: true });
        const b = await res.step(batch, { lr: 1e-3, step, seed: 5, dropout: true });
        expect(Math.abs(a.loss - b.loss) / a.loss).toBeLessThan(1e-5);
        expect(Math.abs(a.gradNorm - b.gradNorm) / a.gradNorm).toBeLessThan(1e-5);
      }
      expect(await worstParamError(res, ref)).toBeLessThan(1e-5);
      const mr = ref.optimizerState().v;
      const mv = res.optimizerState().v;
      for (const [name, t] of mr) expect(relL2(mv.get(name)!.data, t.data), name).toBeLessThan(1e-4);
    } finally {
      await ref.dispose();
      await res.dispose();
    }
  });

  it('pads a batch to its bucket without changing losses, token logits or updates', async () => {
    const head: HeadSpec = { kind: 'token-classification', numLabels: 3 };
    const w = randomInitWeights(cfg, head, 4);
    const ref = new OrtEngineModel(cfg, head, w, ADAMW);
    const res = new ResidentEngineModel(cfg, head, w, ADAMW, {}, 'cpu');
    try {
      const batch = batchOf(3, 5, head, 9);
      const fa = await ref.forward(batch);
      const fb = await res.forward(batch);
      expect(fb.dims.logits).toEqual([3, 5, 3]);
      expect(relL2(fb.logits!, fa.logits!)).toBeLessThan(1e-6);
      expect(Math.abs(fa.loss! - fb.loss!)).toBeLessThan(1e-6);
      await ref.step(batch, { lr: 1e-3, step: 1, seed: 1, dropout: false });
      await res.step(batch, { lr: 1e-3, step: 1, seed: 1, dropout: false });
      expect(await worstParamError(res, ref)).toBeLessThan(1e-5);
    } finally {
      await ref.dispose();
      await res.dispose();
    }
  });

  it('accumulates micro-batches on the device as the CPU model does on the host', async () => {
    const w = randomInitWeights(cfg, seqcls, 6);
    const ref = new OrtEngineModel(cfg, seqcls, w, ADAMW);
    const res = new ResidentEngineModel(cfg, seqcls, w, ADAMW, {}, 'cpu');
    try {
      const parts = [batchOf(2, 8, seqcls, 1), batchOf(3, 8, seqcls, 2)];
      const a = await ref.step(parts, { lr: 1e-3, step: 1, seed: 2, dropout: true });
      const b = await res.step(parts, { lr: 1e-3, step: 1, seed: 2, dropout: true });
      expect(Math.abs(a.loss - b.loss) / a.loss).toBeLessThan(1e-5);
      expect(Math.abs(a.gradNorm - b.gradNorm) / a.gradNorm).toBeLessThan(1e-4);
      expect(await worstParamError(res, ref)).toBeLessThan(1e-5);
    } finally {
      await ref.dispose();
      await res.dispose();
    }
  });

  it('leaves frozen layers untouched and reads state only after syncToHost', async () => {
    const w = randomInitWeights(cfg, seqcls, 7);
    const res = new ResidentEngineModel(cfg, seqcls, w, ADAMW, { freezeLayers: 1 }, 'cpu');
    try {
      expect(res.layout.groups.map((g) => g.name)).toEqual(['decay', 'nodecay', 'frozen']);
      await res.step(batchOf(4, 8, seqcls), { lr: 1e-2, step: 1, seed: 1, dropout: false });
      expect(() => res.parameters()).toThrow(/syncToHost/);
      // Best weights read the parameters back, not the moments.
      await res.syncToHost('parameters');
      expect(res.parameters().size).toBe(res.specs.length);
      expect(() => res.optimizerState()).toThrow(/syncToHost/);
      await res.syncToHost();
      const after = res.parameters();
      for (const name of ['bert.embeddings.word_embeddings.weight', 'bert.encoder.layer.0.output.dense.weight']) expect(Array.from(after.get(name)!.data)).toEqual(Array.from(w.get(name)!.data));
      expect(Array.from(after.get('bert.encoder.layer.1.output.dense.weight')!.data)).not.toEqual(Array.from(w.get('bert.encoder.layer.1.output.dense.weight')!.data));
      expect(res.optimizerState().m.get('bert.encoder.layer.0.output.dense.weight')!.data.every((x) => x === 0)).toBe(true);
    } finally {
      await res.dispose();
    }
  });
});

describe('no code path reads a GPU tensor with getData()', () => {
  it('main/ never calls getData (it aborts the process on GPU-buffer tensors in ORT-node 1.30)', () => {
    const root = path.resolve(import.meta.dirname, '../../main');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) => /\.getData\s*\(/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
    // The one place that reads ORT output data refuses device locations.
    expect(fs.readFileSync(path.join(root, 'engine/runtime.ts'), 'utf8')).toMatch(/t\.location !== 'cpu' && t\.location !== 'cpu-pinned'/);
  });
});

const webgpu = (await probeDevicesOnce()).find((d) => d.device === 'webgpu')!;

describe.skipIf(!webgpu.works)('device-resident model on WebGPU', () => {
  it('keeps the state on the device: per step only the batch goes up and two scalars come back', { timeout: 240_000 }, async () => {
    const head: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
    const up: number[] = [];
    for (const hidden of [16, 64]) {
      const cfg = config(hidden);
      const m = new ResidentEngineModel(cfg, head, randomInitWeights(cfg, head, 1), ADAMW, {}, 'webgpu');
      try {
        const batch = batchOf(4, 16, head);
        for (let step = 1; step <= 2; step++) await m.step(batch, { lr: 1e-3, step, seed: 1, dropout: true });
        const raw = [batch.inputIds, batch.attentionMask, batch.tokenTypeIds!, batch.labels!].reduce((n, a) => n + a.byteLength, 0);
        // The batch in the form the graph reads it (indices, float masks, one-hot targets), the
        // dropout keys and four scalars: the batch's own bytes + 1 KiB, whatever the model's size.
        expect(m.lastTransfer.up).toBeLessThanOrEqual(raw + 1024);
        expect(m.lastTransfer.down).toBe(8); // loss and gradient norm
        up.push(m.lastTransfer.up);
      } finally {
        await m.dispose();
      }
    }
    // 16× the parameters, the same traffic.
    expect(up[1]).toBe(up[0]);
  });
});
