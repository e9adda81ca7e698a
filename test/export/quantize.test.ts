// int8 quantization: per-row symmetric weights and the rewritten graph, run by ONNX Runtime.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineModel, loadModelFolder } from '../../main/engine/api.ts';
import { parseModel } from '../../main/graph/onnx.ts';
import { createSession } from '../../main/engine/runtime.ts';
import { quantizeOnnx, quantizeRows } from '../../main/export/quantize.ts';
import { PARITY } from '../predict/fixture-models.ts';

describe('quantizeRows', () => {
  it('is symmetric per row, within half a step of the weights, and safe on an all-zero row', () => {
    const w = Float32Array.from([0.5, -1, 0.25, 0.001, 0, 0, 0, 0, 3, 2, -3, 1]);
    const { q, scales } = quantizeRows(w, 3, 4);
    expect(scales[0]).toBeCloseTo(1 / 127, 7);
    expect(scales[1]).toBe(1);
    expect(Array.from(q.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(Math.max(...Array.from(q).map(Math.abs))).toBe(127);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(Math.abs(q[r * 4 + c] * scales[r] - w[r * 4 + c])).toBeLessThanOrEqual(scales[r] / 2 + 1e-7);
    const t = quantizeRows(w, 3, 4, true);
    expect(t.q[1 * 3 + 0]).toBe(q[0 * 4 + 1]); // transposed: [cols, rows]
  });
});

describe('quantizeOnnx', () => {
  it('stores dense and embedding weights as int8 with the int8 GEMM pattern ORT fuses, and the model still computes nearly the same logits', async () => {
    const folder = loadModelFolder(path.join(PARITY, 'bert-tiny-seqcls'));
    const model = await createEngineModel({ config: folder.config, head: { kind: 'sequence-classification', numLabels: 3 }, weights: folder.weights, adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maxGradNorm: 0 } });
    const fp32 = model.exportOnnx();
    const { bytes, report } = quantizeOnnx(fp32);
    await model.dispose();
    expect(report).toMatchObject({ scheme: 'dynamic', dense: 13, embeddings: 2 });
    expect(fp32.length / bytes.length).toBeGreaterThan(3);
    const ops = parseModel(bytes).graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'MatMulInteger')).toHaveLength(13);
    expect(ops.filter((o) => o === 'DynamicQuantizeLinear')).toHaveLength(13);
    expect(ops.filter((o) => o === 'Gemm')).toHaveLength(1); // the 3-class classifier is too small to bother
    const int8 = parseModel(bytes).graph!.initializer!.filter((t) => t.dataType === 3);
    expect(int8.reduce((n, t) => n + t.dims!.reduce((a, b) => a * Number(b), 1), 0)).toBe(report.int8Weights);
    // GEMM weights stay in ±63 (no int16 overflow in ORT's AVX2 u8×s8 kernel); tables use ±127.
    const range = (t: (typeof int8)[number]) => new Int8Array(Uint8Array.from(t.rawData!).buffer).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(int8.filter((t) => t.name!.endsWith('.w')).map(range)).toEqual(new Array(13).fill(63));
    expect(int8.filter((t) => t.name!.endsWith('.table')).map(range)).toEqual([127, 127]);

    const ids = BigInt64Array.from({ length: 2 * 12 }, (_, i) => BigInt(5 + ((i * 37) % 900)));
    const feeds = { input_ids: { dtype: 'int64' as const, shape: [2, 12], data: ids }, attention_mask: { dtype: 'int64' as const, shape: [2, 12], data: new BigInt64Array(24).fill(1n) }, token_type_ids: { dtype: 'int64' as const, shape: [2, 12], data: new BigInt64Array(24) } };
    const [a, b] = await Promise.all([createSession(fp32), createSession(bytes)]);
    const want = (await a.run(feeds)).logits.data as Float32Array;
    const got = (await b.run(feeds)).logits.data as Float32Array;
    await Promise.all([a.release(), b.release()]);
    const diff = Math.max(...Array.from(got, (x, i) => Math.abs(x - want[i])));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.02);
  });
});
