import { describe, expect, it } from 'vitest';
import { Graph } from '../../main/graph/ir.ts';
import { OPSET, parseModel, serialize } from '../../main/graph/onnx.ts';
import * as o from '../../main/graph/ops.ts';
import { parseConfig } from '../../main/models/config.ts';
import { buildForward } from '../../main/models/graph/model.ts';
import { buildTrainGraph } from '../../main/engine/train-graph.ts';

const tinyConfig = parseConfig({ model_type: 'bert', vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2 }, 'config.json');

describe('ONNX serialization', () => {
  it('gives the same bytes for the same graph, built twice', () => {
    const build = () => serialize(buildTrainGraph(tinyConfig, { kind: 'sequence-classification', numLabels: 2 }, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 }, { dropout: true }).g);
    const a = build();
    const b = build();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('writes opset 17, symbolic dims and attributes sorted by name', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float32', ['batch', 4]);
    const w = g.input('w', 'float32', [3, 4]);
    g.output(o.gemm(x, w, null, { transB: true, transA: false }), 'y');
    g.output(o.layerNorm(x, g.constant({ dtype: 'float32', shape: [4], data: new Float32Array(4).fill(1) }), g.constant({ dtype: 'float32', shape: [4], data: new Float32Array(4) }), 1e-5)[0], 'z');
    const m = parseModel(serialize(g, { metadata: { b: '2', a: '1' } }));
    expect(Number(m.opsetImport![0].version)).toEqual(OPSET);
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim![0].dimParam).toBe('batch');
    const ln = m.graph!.node!.find((n) => n.opType === 'LayerNormalization')!;
    expect(ln.attribute!.map((a) => a.name)).toEqual(['axis', 'epsilon']);
    expect(m.metadataProps!.map((p) => p.key)).toEqual(['a', 'b']);
  });

  it('names every parameter exactly as Hugging Face does', () => {
    const names = buildForward(tinyConfig, { kind: 'sequence-classification', numLabels: 2 }, { withLoss: false, training: false }).params.map((p) => p.name);
    expect(names).toContain('bert.encoder.layer.0.attention.self.query.weight');
    expect(names).toContain('bert.pooler.dense.weight');
    expect(names).toContain('classifier.bias');
    expect(names.length).toBe(new Set(names).size);
  });
});
