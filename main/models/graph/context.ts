// What encoder and head builders need from the graph being built: parameters by Hugging Face
// name, dropout (identity at eval), the runtime [batch, seq] shape, and small shared layers.
import type { Graph, Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';
import type { ModelConfig } from '../config.ts';

export interface BuildContext {
  readonly g: Graph;
  readonly cfg: ModelConfig;
  /** The parameter named `name` (HF name) with its shape; created on first use. */
  param(name: string, shape: readonly number[]): Value;
  /** Inverted dropout with probability p; identity when not training or p = 0. */
  dropout(x: Value, p: number): Value;
  /** int64 [2]: the runtime [batch, seq]. */
  readonly batchSeq: Value;
  /** The encoder's compute dtype: float32, or float16 for mixed precision (weights are cast from float32 masters). */
  readonly dtype: 'float32' | 'float16';
}

/** Linear layer as HF stores it: weight [out, in], bias [out]; x: [N, in] → [N, out]. */
export function dense(ctx: BuildContext, x: Value, prefix: string, inDim: number, outDim: number): Value {
  return o.gemm(x, ctx.param(`${prefix}.weight`, [outDim, inDim]), ctx.param(`${prefix}.bias`, [outDim]), { transB: true });
}

/** LayerNorm with HF's weight/bias names; x: [N, H]. */
export function layerNorm(ctx: BuildContext, x: Value, prefix: string, eps = ctx.cfg.layerNormEps): Value {
  const h = ctx.cfg.hiddenSize;
  return o.layerNorm(x, ctx.param(`${prefix}.weight`, [h]), ctx.param(`${prefix}.bias`, [h]), eps)[0];
}

const LOG_INV_SQRT_PI = -0.5 * Math.log(Math.PI);

/**
 * Exact GELU: x · ½(1 + erf(x/√2)), as HF's "gelu"; x: [N, I]. Computed as x · h with
 * h = ½(1 + erf(v)), v = x/√2 — bit-identical to HF's (x·½)·(1 + erf) since ·½ is exact.
 * Fused backward: dx = dy · (h + x·φ(x)) with x·φ(x) = v·exp(-v²)/√π = v·exp(ln(1/√π) - v²):
 * 6 elementwise passes where the primitives' rules would emit 11.
 */
export function gelu(x: Value): Value {
  const v = o.div(x, Math.SQRT2);
  const h = o.mul(o.add(1, o.erf(v)), 0.5);
  const y = o.mul(x, h);
  return x.graph.composite(y, [x], (dy) => {
    const xPdf = o.mul(v, o.exp(o.sub(LOG_INV_SQRT_PI, o.mul(v, v))));
    return [o.mul(dy, o.add(h, xPdf))];
  });
}

/** Runtime shape [batch, seq, ...tail] as int64 [2 + tail.length]. */
export function shapeBS(ctx: BuildContext, tail: readonly number[]): Value {
  return o.concat([ctx.batchSeq, ctx.g.ints(tail)], 0);
}

/** hidden [N,H] → the first token of each sequence [B,H]. */
export function firstToken(ctx: BuildContext, hidden: Value): Value {
  const h = ctx.cfg.hiddenSize;
  const bsh = o.reshapeTo(hidden, shapeBS(ctx, [h]), ['batch', 'seq', h]);
  // Gather's gradient rule is for axis 0, so move seq first: [S,B,H] → row 0.
  return o.gather(o.transpose(bsh, [1, 0, 2]), ctx.g.scalar(0, 'int64'));
}

/** torch.finfo(torch.float32).min: HF's additive mask value. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** torch.finfo(dtype).min, HF's additive mask value in the compute dtype (float16: -65504). */
export function maskMin(dtype: 'float32' | 'float16'): number {
  return dtype === 'float16' ? -65504 : FLOAT32_MIN;
}
