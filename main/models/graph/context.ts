// What encoder and head builders need from the graph being built: parameters by Hugging Face
// name, dropout (identity at eval), the runtime [batch, seq] shape, and small shared layers.
import type { Graph, Value } from '../../engine/ir.ts';
import * as o from '../../engine/ops.ts';
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

/** Exact GELU: x · ½(1 + erf(x/√2)), as HF's "gelu". */
export function gelu(x: Value): Value {
  return o.mul(o.mul(x, 0.5), o.add(1, o.erf(o.div(x, Math.SQRT2))));
}

/** Runtime shape [batch, seq, ...tail] as int64 [2 + tail.length]. */
export function shapeBS(ctx: BuildContext, tail: readonly number[]): Value {
  return o.concat([ctx.batchSeq, ctx.g.ints(tail)], 0);
}

/** torch.finfo(torch.float32).min: HF's additive mask value. */
export const FLOAT32_MIN = -3.4028234663852886e38;
