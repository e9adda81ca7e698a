// Freezing the lowest encoder layers (freezeLayers): the frozen parameters stay bit-identical
// with untouched AdamW state, freezing does not change the other parameters' gradients (so,
// with no clipping, their update equals a full step's), the built graphs have no backward
// for the frozen layers, and a bad value is refused. For BERT, DistilBERT and RoBERTa.
import { describe, expect, it } from 'vitest';
import type { Batch, EngineModel, HeadSpec } from '../../main/engine/api.ts';
import { encoderLayerOf, frozenParams, isEmbeddingParam } from '../../main/engine/freeze.ts';
import type { Graph } from '../../main/graph/ir.ts';
import { createEngineModel } from '../../main/engine/engine-model.ts';
import { pruneDeadNodes } from '../../main/graph/prune.ts';
import { buildGradGraph, buildTrainGraph } from '../../main/engine/train-graph.ts';
import { parseConfig, type ModelConfig } from '../../main/models/config.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';
import { buildForward } from '../../main/models/graph/model.ts';
import { relErr } from './check.ts';

// maxGradNorm far above any gradient norm here: no clipping, so the frozen parameters'
// absence from the global norm cannot change the others' updates.
const ADAMW = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1e6 };
const HEAD: HeadSpec = { kind: 'sequence-classification', numLabels: 3 };
const S = 6;
type Family = 'bert' | 'distilbert' | 'roberta';

function config(type: Family, layers = 3): ModelConfig {
  const common = { vocab_size: 40, max_position_embeddings: 20, initializer_range: 0.2, pad_token_id: type === 'roberta' ? 1 : 0 };
  if (type === 'distilbert') return parseConfig({ model_type: 'distilbert', dim: 8, n_layers: layers, n_heads: 2, hidden_dim: 16, ...common }, 'config.json');
  return parseConfig({ model_type: type, hidden_size: 8, num_hidden_layers: layers, num_attention_heads: 2, intermediate_size: 16, type_vocab_size: type === 'roberta' ? 1 : 2, ...common }, 'config.json');
}

/** Rows [from, to) of a 4-example batch; rows 1 and 3 end in padding. */
function rows(cfg: ModelConfig, from: number, to: number): Batch {
  const pad = BigInt(cfg.padTokenId);
  const ids: bigint[] = [];
  for (let r = from; r < to; r++) for (let j = 0; j < S; j++) ids.push(r % 2 === 1 && j >= S - 2 ? pad : BigInt(2 + ((r * 11 + j * 7) % 37)));
  const inputIds = BigInt64Array.from(ids);
  return { batch: to - from, seq: S, inputIds, attentionMask: BigInt64Array.from(ids, (v) => (v === pad ? 0n : 1n)), labels: BigInt64Array.from({ length: to - from }, (_, i) => BigInt((from + i) % 3)) };
}

const model = (cfg: ModelConfig, freezeLayers = 0): Promise<EngineModel> => createEngineModel({ config: cfg, head: HEAD, weights: randomInitWeights(cfg, HEAD, 7), adamw: ADAMW, freezeLayers });

function delta(after: Float32Array, before: Float32Array): Float32Array {
  return after.map((x, i) => x - before[i]);
}

describe('freezeLayers: what trains and what does not', () => {
  for (const type of ['bert', 'distilbert', 'roberta'] as const) {
    for (const path of ['one-graph step', 'accumulated step'] as const) {
      it(`${type}, ${path}: embeddings and layer 0 stay bit-identical; every other parameter moves exactly as in a full step`, async () => {
        const cfg = config(type);
        const [full, frozen] = await Promise.all([model(cfg), model(cfg, 1)]);
        try {
          const before = full.parameters();
          const batch = path === 'one-graph step' ? rows(cfg, 0, 4) : [rows(cfg, 0, 2), rows(cfg, 2, 4)];
          const opts = { lr: 1e-2, step: 1, seed: 3, dropout: true };
          const a = await full.step(batch, opts);
          const b = await frozen.step(batch, opts);
          expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-6); // same forward, same dropout masks
          expect(a.gradNorm).toBeLessThan(ADAMW.maxGradNorm);
          const pa = full.parameters();
          const pb = frozen.parameters();
          const mb = frozen.optimizerState().m;
          const isFrozen = frozenParams({ freezeLayers: 1 });
          const names = [...before.keys()];
          expect(names.filter(isFrozen).some((n) => encoderLayerOf(n) === 0)).toBe(true);
          expect(names.filter(isFrozen).some(isEmbeddingParam)).toBe(true);
          for (const name of names) {
            const b0 = before.get(name)!.data;
            if (isFrozen(name)) {
              expect(pb.get(name)!.data, name).toEqual(b0);
              expect(mb.get(name)!.data.every((x) => x === 0), name).toBe(true);
              continue;
            }
            // The attention key bias has an exactly-zero true gradient (softmax shift
            // invariance): its float32 rounding noise is not a meaningful update to compare.
            if (name.endsWith('key.bias') || name.endsWith('k_lin.bias')) continue;
            expect(relErr(delta(pb.get(name)!.data, b0), delta(pa.get(name)!.data, b0)), name).toBeLessThan(1e-5);
            expect(relErr(pb.get(name)!.data, b0), `${name} trains`).toBeGreaterThan(0);
          }
        } finally {
          await Promise.all([full.dispose(), frozen.dispose()]);
        }
      });
    }
  }

  it('refuses to freeze every layer, or a number that is not a whole one', async () => {
    const cfg = config('bert', 2);
    await expect(model(cfg, 2)).rejects.toThrow(/from 0 to 1 .*2 encoder layers/);
    await expect(model(cfg, 0.5)).rejects.toThrow(/whole number/);
    await expect(model(cfg, -1)).rejects.toThrow(/whole number/);
  });
});

/**
 * Values a backward for frozen layers 0..n-1 would read: the frozen parameters, and every
 * output of a forward node up to the one producing layer n's input (`states[n]`) that depends
 * on a frozen parameter — except `states[n]` itself, which layer n's weight gradients need.
 */
function frozenRegion(g: Graph, forwardNodes: number, boundary: string, frozen: readonly string[]): Set<string> {
  const reach = new Set(frozen);
  let end = -1;
  for (let k = 0; k < forwardNodes; k++) {
    const n = g.nodes[k];
    if (n.outputs.includes(boundary)) end = k;
  }
  expect(end).toBeGreaterThanOrEqual(0);
  for (let k = 0; k <= end; k++) {
    const n = g.nodes[k];
    if (n.inputs.some((i) => reach.has(i))) for (const o of n.outputs) reach.add(o);
  }
  reach.delete(boundary);
  return reach;
}

/** The graph built unpruned up to its forward, so node k < forwardNodes is a forward node. */
function backwardReads(g: Graph, forwardNames: Set<string>, region: Set<string>): string[] {
  return g.nodes.filter((n) => !forwardNames.has(n.name) && n.inputs.some((i) => region.has(i))).map((n) => `${n.op} ${n.name}`);
}

describe('freezeLayers: the backward stops above the frozen layers', () => {
  for (const type of ['bert', 'distilbert', 'roberta'] as const) {
    for (const which of ['train', 'grads'] as const) {
      it(`${type} ${which} graph, 2 of 3 layers frozen: no backward node reads a frozen layer's weights or activations, and no node is dead`, () => {
        const cfg = config(type);
        const n = 2;
        // Forward node names are deterministic: the same builder call names them alike.
        const fwd = buildForward(cfg, HEAD, { withLoss: true, training: true, name: which === 'train' ? 'train-step' : 'train-grads' });
        const forwardNames = new Set(fwd.g.nodes.map((x) => x.name));
        const boundary = fwd.states[n].name;
        const frozen = fwd.params.map((p) => p.name).filter(frozenParams({ freezeLayers: n }));
        const build = (freezeLayers: number, freezeEmbeddings = false) =>
          which === 'train' ? buildTrainGraph(cfg, HEAD, ADAMW, { dropout: true, freezeLayers, freezeEmbeddings }).g : buildGradGraph(cfg, HEAD, { dropout: true, freezeLayers, freezeEmbeddings, sparseWordGrad: true }).g;
        const g = build(n);
        // The boundary keeps its name in the built graph (only graph outputs are renamed).
        const region = frozenRegion(g, g.nodes.filter((x) => forwardNames.has(x.name)).length, boundary, frozen);
        expect(region.size).toBeGreaterThan(frozen.length);
        expect(backwardReads(g, forwardNames, region)).toEqual([]);
        expect(pruneDeadNodes(g)).toBe(0);
        // Control: with only the embeddings frozen the same check finds layers 0-1's backward.
        const open = build(0, true);
        expect(backwardReads(open, forwardNames, frozenRegion(open, open.nodes.filter((x) => forwardNames.has(x.name)).length, boundary, frozen)).length).toBeGreaterThan(10);
        expect(g.nodes.length).toBeLessThan(open.nodes.length);
      });
    }
  }
});
