// The training step as one graph: forward + loss + backward + global-norm clipping + AdamW.
// Step-dependent scalars (learning rate, bias corrections) are computed in float64 in
// TypeScript (adamwScalars) and fed as float32 inputs, as torch.optim.AdamW does in Python.
import type { AdamWConfig, HeadSpec } from './api.ts';
import { gradients } from './autodiff.ts';
import type { Value } from './ir.ts';
import * as o from './ops.ts';
import type { ModelConfig } from '../models/config.ts';
import { decays } from '../models/families.ts';
import { buildForward, type ForwardGraph } from '../models/graph/model.ts';

export interface TrainGraph extends ForwardGraph {
  /** Output names per parameter: new value, new first and second moments. */
  readonly updated: Map<string, { param: string; m: string; v: string }>;
  /** Gradient output per parameter (only with exposeGradients; null where none flows). */
  readonly gradOutputs: Map<string, string | null>;
}

export interface TrainGraphOptions {
  dropout: boolean;
  /** Also output every raw gradient (before clipping), as `grad.<name>`. */
  exposeGradients?: boolean;
  /** Also output the hidden states (diagnostics). */
  exposeStates?: boolean;
}

/** Scalars fed each step, from float64 arithmetic. */
export function adamwScalars(adamw: AdamWConfig, lr: number, step: number): Record<'decay' | 'step_size' | 'bc2_sqrt' | 'max_norm', number> {
  const [b1, b2] = adamw.betas;
  return {
    decay: 1 - lr * adamw.weightDecay,
    step_size: lr / (1 - b1 ** step),
    bc2_sqrt: Math.sqrt(1 - b2 ** step),
    max_norm: adamw.maxGradNorm,
  };
}

export function buildTrainGraph(cfg: ModelConfig, head: HeadSpec, adamw: AdamWConfig, opts: TrainGraphOptions): TrainGraph {
  const fwd = buildForward(cfg, head, { withLoss: true, training: opts.dropout, name: 'train-step' });
  const { g } = fwd;
  const loss = fwd.loss;
  if (!loss) throw new Error('training graph needs a loss');
  const scalar = (name: string) => g.input(name, 'float32', []);
  const decay = scalar('decay');
  const stepSize = scalar('step_size');
  const bc2Sqrt = scalar('bc2_sqrt');
  const maxNorm = scalar('max_norm');
  const params = fwd.params.map((p) => fwd.paramValues.get(p.name) as Value);
  const raw = gradients(loss, params);
  // Padding rows get no gradient: the embedding lookups' fused backward sees to it.
  const grads = raw;
  const gradOutputs = new Map<string, string | null>();
  if (opts.exposeGradients) grads.forEach((d, i) => gradOutputs.set(fwd.params[i].name, d ? g.output(d, `grad.${fwd.params[i].name}`).name : null));
  // Global L2 norm over every gradient; clip coefficient min(1, max/(norm+1e-6)), none when max = 0.
  // g² is shared by the norm and the second moment.
  const sq = grads.map((d) => (d ? o.mul(d, d) : null));
  const squares = sq.filter((d): d is Value => d !== null).map((d) => o.sumAll(d));
  const norm = o.sqrt(squares.reduce((a, b) => o.add(a, b)));
  const coef = o.where(o.greater(maxNorm, 0), o.min(1, o.div(maxNorm, o.add(norm, 1e-6))), 1);
  const [b1, b2] = adamw.betas;
  const c1 = o.mul(coef, 1 - b1);
  const c2 = o.mul(o.mul(coef, coef), 1 - b2);
  const updated = new Map<string, { param: string; m: string; v: string }>();
  fwd.params.forEach((spec, i) => {
    const p = params[i];
    const gi = grads[i];
    const mIn = g.input(`m.${spec.name}`, 'float32', spec.shape);
    const vIn = g.input(`v.${spec.name}`, 'float32', spec.shape);
    const out = (x: Value, name: string) => g.output(x, name).name;
    if (!gi) {
      // torch skips parameters without a gradient entirely.
      updated.set(spec.name, { param: out(p, `new.${spec.name}`), m: out(mIn, `new_m.${spec.name}`), v: out(vIn, `new_v.${spec.name}`) });
      return;
    }
    // The clip coefficient is folded into the moment scalars: (1-β1)·coef and (1-β2)·coef².
    const decayed = decays(spec.name) ? o.mul(p, decay) : p;
    const m = o.add(o.mul(mIn, b1), o.mul(gi, c1));
    const v = o.add(o.mul(vIn, b2), o.mul(sq[i] as Value, c2));
    const denom = o.add(o.div(o.sqrt(v), bc2Sqrt), adamw.eps);
    const next = o.sub(decayed, o.mul(o.div(m, denom), stepSize));
    updated.set(spec.name, { param: out(next, `new.${spec.name}`), m: out(m, `new_m.${spec.name}`), v: out(v, `new_v.${spec.name}`) });
  });
  g.output(loss, 'loss');
  g.output(norm, 'grad_norm');
  for (const [k, v] of Object.entries(fwd.outputs)) g.output(v, k);
  if (opts.exposeStates) fwd.states.forEach((s, i) => g.output(s, `state.${i}`));
  return { ...fwd, updated, gradOutputs };
}
