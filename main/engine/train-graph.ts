// The training step as graphs. Fast path (no accumulation): one graph with forward + loss +
// backward + global-norm clipping + AdamW. Gradient accumulation splits it in two: a
// gradients graph (forward + loss·scale + backward → one gradient per parameter, summed over
// micro-batches on the host) and an apply graph (clipping + AdamW from the summed gradients).
// Both paths share appendAdamW, so they compute the update with the same ops.
// Step-dependent scalars (learning rate, bias corrections) are computed in float64 in
// TypeScript (adamwScalars) and fed as float32 inputs, as torch.optim.AdamW does in Python.
import type { AdamWConfig, HeadSpec } from './api.ts';
import { gradients } from '../graph/autodiff.ts';
import { frozenParams, type FreezeOptions } from './freeze.ts';
import { Graph, type Value } from '../graph/ir.ts';
import * as o from '../graph/ops.ts';
import { pruneDeadNodes } from '../graph/prune.ts';
import type { ModelConfig } from '../models/config.ts';
import { decays } from '../models/families.ts';
import { buildForward, type ForwardGraph, type ParamSpec } from '../models/graph/model.ts';

export type UpdatedOutputs = Map<string, { param: string; m: string; v: string }>;

export interface TrainGraph extends ForwardGraph {
  /** Output names per parameter: new value, new first and second moments. */
  readonly updated: UpdatedOutputs;
  /** Gradient output per parameter (only with exposeGradients; null where none flows). */
  readonly gradOutputs: Map<string, string | null>;
}

export interface TrainGraphOptions extends FreezeOptions {
  dropout: boolean;
  /** Also output every raw gradient (before clipping), as `grad.<name>`. */
  exposeGradients?: boolean;
  /** Also output the hidden states (diagnostics). */
  exposeStates?: boolean;
}

export { isEmbeddingParam } from './freeze.ts';

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

/**
 * Appends global-norm clipping + AdamW to `g` for parameters `specs` (values `params`,
 * gradients `grads`, null = no gradient: torch skips those, so they pass through unchanged
 * where `passThrough(name)`, else they get no outputs and the caller keeps its copies). Adds the scalar inputs of adamwScalars and
 * the moment inputs m.<name>, v.<name>; outputs new.<name>, new_m.<name>, new_v.<name>.
 */
function appendAdamW(g: Graph, specs: readonly ParamSpec[], params: readonly Value[], grads: readonly (Value | null)[], adamw: AdamWConfig, passThrough: (name: string) => boolean): { updated: UpdatedOutputs; norm: Value } {
  const scalar = (name: string) => g.input(name, 'float32', []);
  const decay = scalar('decay');
  const stepSize = scalar('step_size');
  const bc2Sqrt = scalar('bc2_sqrt');
  const maxNorm = scalar('max_norm');
  // Global L2 norm over every gradient; clip coefficient min(1, max/(norm+1e-6)), none when max = 0.
  // g² is shared by the norm and the second moment.
  const sq = grads.map((d) => (d ? o.mul(d, d) : null));
  const squares = sq.filter((d): d is Value => d !== null).map((d) => o.sumAll(d));
  const norm = o.sqrt(squares.reduce((a, b) => o.add(a, b)));
  const coef = o.where(o.greater(maxNorm, 0), o.min(1, o.div(maxNorm, o.add(norm, 1e-6))), 1);
  const [b1, b2] = adamw.betas;
  const c1 = o.mul(coef, 1 - b1);
  const c2 = o.mul(o.mul(coef, coef), 1 - b2);
  const updated: UpdatedOutputs = new Map();
  specs.forEach((spec, i) => {
    const p = params[i];
    const gi = grads[i];
    if (!gi && !passThrough(spec.name)) return;
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
  return { updated, norm };
}

/**
 * d loss / d param for each parameter of `fwd`, null for frozen ones and where none flows.
 * With `sparseTable` (the word-embedding table's name, when trainable) that table gets no
 * dense gradient; `rows` is instead d loss / d (its gathered rows), [B,S,H].
 */
function paramGradients(fwd: ForwardGraph, loss: Value, frozen: (name: string) => boolean, seed?: Value, sparseTable?: string): { params: Value[]; grads: (Value | null)[]; rows: Value | null } {
  const params = fwd.params.map((p) => fwd.paramValues.get(p.name) as Value);
  const trainable = fwd.params.map((p) => !frozen(p.name) && p.name !== sparseTable);
  // Frozen parameters are left out of `wrt`: autodiff walks only nodes downstream of a
  // trainable parameter, so nothing below the lowest trainable layer gets a backward (the
  // input gradient its rules emit anyway is dead and pruneDeadNodes removes it).
  const wrt = params.filter((_, i) => trainable[i]);
  const raw = gradients(loss, sparseTable ? [...wrt, fwd.wordLookup.rows] : wrt, seed);
  let k = 0;
  // Padding rows get no gradient: the embedding lookups' fused backward sees to it (and the
  // host's scatter of sparse rows skips padding ids).
  return { params, grads: trainable.map((t) => (t ? raw[k++] : null)), rows: sparseTable ? raw[wrt.length] : null };
}

export function buildTrainGraph(cfg: ModelConfig, head: HeadSpec, adamw: AdamWConfig, opts: TrainGraphOptions): TrainGraph {
  const fwd = buildForward(cfg, head, { withLoss: true, training: opts.dropout, name: 'train-step' });
  const { g } = fwd;
  const loss = fwd.loss;
  if (!loss) throw new Error('training graph needs a loss');
  const frozen = frozenParams(opts);
  const { params, grads } = paramGradients(fwd, loss, frozen);
  const gradOutputs = new Map<string, string | null>();
  if (opts.exposeGradients) grads.forEach((d, i) => gradOutputs.set(fwd.params[i].name, d ? g.output(d, `grad.${fwd.params[i].name}`).name : null));
  // Frozen parameters get no outputs (no copies of the 30522×H table through ORT each step).
  const { updated, norm } = appendAdamW(g, fwd.params, params, grads, adamw, (name) => !frozen(name));
  g.output(loss, 'loss');
  g.output(norm, 'grad_norm');
  for (const [k, v] of Object.entries(fwd.outputs)) g.output(v, k);
  if (opts.exposeStates) fwd.states.forEach((s, i) => g.output(s, `state.${i}`));
  pruneDeadNodes(g);
  return { ...fwd, updated, gradOutputs };
}

export interface GradGraph {
  readonly g: Graph;
  readonly params: readonly ParamSpec[];
  /** Output `grad.<name>` per parameter that gets a dense gradient (others: absent). */
  readonly gradOutputs: Map<string, string>;
  /**
   * With sparseWordGrad: the word-embedding table's gradient as output `grad_rows.<table>`
   * [B,S,H], d(loss·scale)/d(rows gathered for input_ids); the caller scatter-adds row t into
   * table row input_ids[t], skipping padding ids (nn.Embedding(padding_idx)).
   */
  readonly sparse?: { table: string; rowsOutput: string };
}

/**
 * Forward + loss + backward of one micro-batch. The backward is seeded with the float32
 * scalar input `loss_scale` (1/accumulation steps as in Hugging Face's Trainer), so the
 * outputs are d(loss·scale)/dθ; output `loss` is the unscaled micro-batch loss.
 * sparseWordGrad: the vocabulary × hidden table leaves as its B·S gathered-row gradients
 * instead of a dense table that is zero outside the batch's tokens.
 */
export function buildGradGraph(cfg: ModelConfig, head: HeadSpec, opts: { dropout: boolean; sparseWordGrad?: boolean } & FreezeOptions): GradGraph {
  const fwd = buildForward(cfg, head, { withLoss: true, training: opts.dropout, name: 'train-grads' });
  const { g } = fwd;
  const loss = fwd.loss;
  if (!loss) throw new Error('training graph needs a loss');
  const scale = g.input('loss_scale', 'float32', []);
  const frozen = frozenParams(opts);
  const table = fwd.wordLookup.table;
  const sparseTable = opts.sparseWordGrad && !frozen(table) ? table : undefined;
  const { grads, rows } = paramGradients(fwd, loss, frozen, scale, sparseTable);
  const gradOutputs = new Map<string, string>();
  grads.forEach((d, i) => {
    if (d) gradOutputs.set(fwd.params[i].name, g.output(d, `grad.${fwd.params[i].name}`).name);
  });
  const sparse = sparseTable && rows ? { table: sparseTable, rowsOutput: g.output(rows, `grad_rows.${sparseTable}`).name } : undefined;
  g.output(loss, 'loss');
  pruneDeadNodes(g);
  return { g, params: fwd.params, gradOutputs, ...(sparse ? { sparse } : {}) };
}

/**
 * Clipping + AdamW from accumulated gradients: inputs <name>, m.<name>, v.<name>,
 * grad.<name> for each of `specs` (the parameters that get gradients) and the scalars of
 * adamwScalars; outputs new.<name>, new_m.<name>, new_v.<name> and grad_norm.
 */
export function buildApplyGraph(specs: readonly ParamSpec[], adamw: AdamWConfig): { g: Graph; updated: UpdatedOutputs } {
  const g = new Graph('adamw-apply');
  const params = specs.map((s) => g.input(s.name, 'float32', s.shape));
  const grads = specs.map((s) => g.input(`grad.${s.name}`, 'float32', s.shape));
  const { updated, norm } = appendAdamW(g, specs, params, grads, adamw, () => false);
  g.output(norm, 'grad_norm');
  return { g, updated };
}
