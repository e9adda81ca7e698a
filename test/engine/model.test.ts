// EngineModel behaviour on tiny random models: the whole training graph agrees with the
// reference interpreter (dropout on), resuming from saved state is bit-identical, export runs.
import { describe, expect, it } from 'vitest';
import type { Batch, HeadSpec } from '../../main/engine/api.ts';
import { Interpreter, type Tensor } from '../../main/graph/interpreter.ts';
import { createEngineModel } from '../../main/engine/engine-model.ts';
import { serialize } from '../../main/graph/onnx.ts';
import { createSession, type HostTensor } from '../../main/engine/runtime.ts';
import { adamwScalars, buildTrainGraph } from '../../main/engine/train-graph.ts';
import { parseConfig, type ModelConfig } from '../../main/models/config.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';
import { inputFeeds, targetFeeds } from '../../main/engine/feeds.ts';
import { FAMILIES } from '../../main/models/families.ts';
import { buildForward } from '../../main/models/graph/model.ts';
import { relErr } from './check.ts';

const ADAMW = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

function config(modelType: 'bert' | 'distilbert' | 'roberta'): ModelConfig {
  const common = { vocab_size: 40, max_position_embeddings: 20, initializer_range: 0.2, pad_token_id: modelType === 'roberta' ? 1 : 0 };
  if (modelType === 'distilbert') return parseConfig({ model_type: 'distilbert', dim: 8, n_layers: 1, n_heads: 2, hidden_dim: 16, ...common }, 'config.json');
  return parseConfig({ model_type: modelType, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, type_vocab_size: modelType === 'roberta' ? 1 : 2, ...common }, 'config.json');
}

/** Two sequences of length s; the second ends in two padding tokens (id `pad`). */
function batchFor(head: HeadSpec, pad = 0, b = 2, s = 5): Batch {
  const ids = BigInt64Array.from({ length: b * s }, (_, i) => BigInt(i % s >= s - 2 && i >= s ? pad : 2 + ((i * 7) % 30)));
  const mask = BigInt64Array.from(ids, (v) => (v === BigInt(pad) ? 0n : 1n));
  const batch: Batch = { batch: b, seq: s, inputIds: ids, attentionMask: mask };
  if (head.kind === 'sequence-classification') batch.labels = head.multiLabel ? Float32Array.from({ length: b * head.numLabels }, (_, i) => i % 2) : BigInt64Array.from({ length: b }, (_, i) => BigInt(i % head.numLabels));
  if (head.kind === 'token-classification') batch.labels = BigInt64Array.from({ length: b * s }, (_, i) => (i % s === 0 ? -100n : BigInt(i % head.numLabels)));
  if (head.kind === 'question-answering') {
    batch.startPositions = BigInt64Array.of(1n, 99n);
    batch.endPositions = BigInt64Array.of(3n, 2n);
  }
  if (head.kind === 'joint-intent-slots') {
    batch.labels = BigInt64Array.from({ length: b }, (_, i) => BigInt(i % head.numIntents));
    batch.slotLabels = BigInt64Array.from({ length: b * s }, (_, i) => (i % s === 0 ? -100n : BigInt(i % head.numSlots)));
  }
  return batch;
}

const HEADS: HeadSpec[] = [
  { kind: 'sequence-classification', numLabels: 3 },
  { kind: 'sequence-classification', numLabels: 3, multiLabel: true },
  { kind: 'token-classification', numLabels: 4 },
  { kind: 'question-answering' },
  { kind: 'joint-intent-slots', numIntents: 3, numSlots: 4 },
];

describe('training graph: ONNX Runtime vs the reference interpreter', () => {
  for (const type of ['bert', 'distilbert', 'roberta'] as const) {
    for (const head of HEADS) {
      it(`${type} ${head.kind}${'multiLabel' in head && head.multiLabel ? ' (multi-label)' : ''}: loss, norm and every updated parameter agree, dropout on`, async () => {
        const cfg = config(type);
        const tg = buildTrainGraph(cfg, head, ADAMW, { dropout: true });
        const weights = randomInitWeights(cfg, head, 3);
        const batch = batchFor(head, cfg.padTokenId);
        const feeds: Record<string, HostTensor> = { ...inputFeeds(batch, FAMILIES[type].tokenTypes), ...targetFeeds(batch, head) };
        for (const p of tg.params) {
          feeds[p.name] = { dtype: 'float32', shape: p.shape, data: weights.get(p.name)!.data };
          feeds[`m.${p.name}`] = { dtype: 'float32', shape: p.shape, data: new Float32Array(weights.get(p.name)!.data.length).fill(0.01) };
          feeds[`v.${p.name}`] = { dtype: 'float32', shape: p.shape, data: new Float32Array(weights.get(p.name)!.data.length).fill(0.02) };
        }
        for (const [k, v] of Object.entries(adamwScalars(ADAMW, 1e-3, 3))) feeds[k] = { dtype: 'float32', shape: [], data: Float32Array.of(v) };
        feeds.seed = { dtype: 'int64', shape: [], data: BigInt64Array.of(5n) };
        feeds.step = { dtype: 'int64', shape: [], data: BigInt64Array.of(3n) };
        const session = await createSession(serialize(tg.g), { threads: 1 });
        const ort = await session.run(feeds);
        await session.release();
        const ref = new Interpreter(tg.g).run(feeds as Record<string, Tensor>);
        expect(Number(ort.loss.data[0])).toBeGreaterThan(0);
        expect(relErr([Number(ort.loss.data[0])], [Number(ref.loss.data[0])])).toBeLessThan(1e-5);
        expect(relErr([Number(ort.grad_norm.data[0])], [Number(ref.grad_norm.data[0])])).toBeLessThan(1e-4);
        for (const [name, o] of tg.updated) {
          const e = relErr(Array.from(ort[o.param].data as Float32Array), Array.from(ref[o.param].data as Float32Array));
          expect(e, name).toBeLessThan(1e-5);
        }
      });
    }
  }
});

describe('first-token-only last layer (sequence classification)', () => {
  for (const type of ['bert', 'distilbert', 'roberta'] as const) {
    it(`${type}: gives the logits of the full last layer`, async () => {
      const cfg = config(type);
      const head: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
      const w = randomInitWeights(cfg, head, 5);
      const batch = batchFor(head);
      const logits = async (allStates: boolean) => {
        const fwd = buildForward(cfg, head, { withLoss: false, training: false, allStates, bake: (n) => w.get(n)!.data });
        fwd.g.output(fwd.outputs.logits, 'logits');
        const s = await createSession(serialize(fwd.g), { threads: 1 });
        const out = await s.run(inputFeeds(batch, FAMILIES[type].tokenTypes));
        await s.release();
        return Array.from(out.logits.data as Float32Array);
      };
      const full = await logits(true);
      const first = await logits(false);
      expect(relErr(first, full)).toBeLessThan(1e-6);
    });
  }
});

describe('EngineModel', () => {
  it('resumes bit for bit from saved parameters and optimizer state (dropout on)', async () => {
    const cfg = config('bert');
    const head: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
    const batch = batchFor(head);
    const w = randomInitWeights(cfg, head, 9);
    const a = await createEngineModel({ config: cfg, head, weights: w, adamw: ADAMW });
    for (let s = 1; s <= 3; s++) await a.step(batch, { lr: 1e-3, step: s, seed: 4, dropout: true });
    const b = await createEngineModel({ config: cfg, head, weights: w, adamw: ADAMW });
    await b.step(batch, { lr: 1e-3, step: 1, seed: 4, dropout: true });
    const c = await createEngineModel({ config: cfg, head, weights: b.parameters(), adamw: ADAMW });
    c.setOptimizerState(b.optimizerState());
    for (let s = 2; s <= 3; s++) await c.step(batch, { lr: 1e-3, step: s, seed: 4, dropout: true });
    for (const [name, t] of a.parameters()) expect(Array.from(c.parameters().get(name)!.data), name).toEqual(Array.from(t.data));
    for (const m of [a, b, c]) await m.dispose();
  });

  it('learns: the loss of a repeated batch falls, and pad rows stay untouched', async () => {
    const cfg = config('roberta');
    const head: HeadSpec = { kind: 'token-classification', numLabels: 4 };
    const batch = batchFor(head, cfg.padTokenId);
    expect(batch.inputIds).toContain(1n);
    const w = randomInitWeights(cfg, head, 2);
    const model = await createEngineModel({ config: cfg, head, weights: w, adamw: { ...ADAMW, weightDecay: 0 } });
    const first = await model.step(batch, { lr: 1e-2, step: 1, seed: 0, dropout: false });
    let last = first;
    for (let s = 2; s <= 8; s++) last = await model.step(batch, { lr: 1e-2, step: s, seed: 0, dropout: false });
    expect(last.loss).toBeLessThan(first.loss * 0.8);
    const emb = model.parameters().get('roberta.embeddings.word_embeddings.weight')!;
    expect(Array.from(emb.data.slice(8, 16))).toEqual(new Array(8).fill(0)); // row padding_idx = 1
    const pos = model.parameters().get('roberta.embeddings.position_embeddings.weight')!;
    expect(Array.from(pos.data.slice(8, 16))).toEqual(Array.from(w.get('roberta.embeddings.position_embeddings.weight')!.data.slice(8, 16)));
    await model.dispose();
  });

  it('exports an ONNX forward graph that gives the same logits as forward()', async () => {
    for (const type of ['bert', 'distilbert'] as const) {
      const cfg = config(type);
      const head: HeadSpec = { kind: 'joint-intent-slots', numIntents: 3, numSlots: 4 };
      const model = await createEngineModel({ config: cfg, head, weights: randomInitWeights(cfg, head, 1), adamw: ADAMW });
      const batch = batchFor(head);
      const fwd = await model.forward(batch);
      expect(fwd.loss).toBeGreaterThan(0);
      const session = await createSession(model.exportOnnx({ metadata: { task: 'intent' } }));
      expect([...session.inputNames].sort()).toEqual(type === 'bert' ? ['attention_mask', 'input_ids', 'token_type_ids'] : ['attention_mask', 'input_ids']);
      const out = await session.run(inputFeeds(batch, type === 'bert'));
      expect(Array.from(out.logits.data as Float32Array)).toEqual(Array.from(fwd.logits!));
      expect(Array.from(out.slot_logits.data as Float32Array)).toEqual(Array.from(fwd.slotLogits!));
      expect(fwd.dims.slotLogits).toEqual([2, 5, 4]);
      await session.release();
      await model.dispose();
    }
  });

  it('rejects batches the model cannot take, with sentences saying what to fix', async () => {
    const cfg = config('roberta');
    const head: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
    const model = await createEngineModel({ config: cfg, head, weights: randomInitWeights(cfg, head, 1), adamw: ADAMW });
    await expect(model.forward(batchFor(head, 1, 1, 19))).rejects.toThrow("Sequences of 19 tokens are longer than this model's 18 positions; truncate them to at most 18.");
    expect((await model.forward(batchFor(head, 1, 1, 18))).logits).toHaveLength(3);
    const bad = batchFor(head, 1);
    bad.inputIds[0] = 40n;
    await expect(model.step(bad, { lr: 1e-3, step: 1, seed: 0, dropout: false })).rejects.toThrow('Token id 40 is outside the model\'s vocabulary of 40');
    await model.dispose();
  });

  it('a batch whose targets are all ignored trains to a zero loss, not NaN', async () => {
    const cfg = config('bert');
    const head: HeadSpec = { kind: 'token-classification', numLabels: 4 };
    const w = randomInitWeights(cfg, head, 1);
    const model = await createEngineModel({ config: cfg, head, weights: w, adamw: ADAMW });
    const batch = batchFor(head);
    batch.labels = new BigInt64Array(10).fill(-100n);
    const r = await model.step(batch, { lr: 1e-3, step: 1, seed: 0, dropout: false });
    expect([r.loss, r.gradNorm]).toEqual([0, 0]);
    expect(Number.isFinite(model.parameters().get('classifier.weight')!.data[0])).toBe(true);
    await model.dispose();
  });

  it('rejects weights of the wrong shape with a sentence naming the parameter', async () => {
    const cfg = config('bert');
    const head: HeadSpec = { kind: 'question-answering' };
    const w = randomInitWeights(cfg, head, 1);
    w.set('qa_outputs.weight', { dtype: 'float32', shape: [3, 8], data: new Float32Array(24) });
    await expect(createEngineModel({ config: cfg, head, weights: w, adamw: ADAMW })).rejects.toThrow('Parameter qa_outputs.weight has shape [3,8] but the model needs [2,8].');
  });
});
