// Training graphs for device-resident state (GPU providers). Parameters, AdamW moments and
// accumulated gradients live in a few flat buffers per parameter group — weight-decayed,
// not decayed, frozen — as PyTorch's param groups and fused/foreach AdamW do: the forward
// slices each weight out of its group's buffer, the backward concatenates the gradients back
// into one flat gradient per group, and clipping + AdamW are ~12 elementwise nodes per group
// instead of ~20 per tensor (BERT-base: 200 tensors). Every buffer is an input of one run and
// an output of the same run, kept on the device by runtime.ts's ResidentSession.
//
// Shapes are static per (batch, seq) bucket (serialize's `dims`), dropout keys come from the
// host as int32: ONNX Runtime then folds all shape arithmetic, and nothing is left for a GPU
// provider to run on the CPU but what the batch inputs' int64 dtype forces.
import type { AdamWConfig, HeadSpec } from './api.ts';
import { gradients } from '../graph/autodiff.ts';
import { frozenParams, type FreezeOptions } from './freeze.ts';
import { Graph, type Value } from '../graph/ir.ts';
import * as o from '../graph/ops.ts';
import { pruneDeadNodes } from '../graph/prune.ts';
import type { ModelConfig } from '../models/config.ts';
import { decays } from '../models/families.ts';
import { buildForward, type ForwardGraph, type ParamSpec } from '../models/graph/model.ts';

export type GroupName = 'decay' | 'nodecay' | 'frozen';
export const TRAINABLE_GROUPS: readonly GroupName[] = ['decay', 'nodecay'];

export interface FlatMember {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export interface FlatGroup {
  readonly name: GroupName;
  readonly size: number;
  readonly members: readonly FlatMember[];
}

export interface FlatLayout {
  /** Non-empty groups only, in the order decay, nodecay, frozen. */
  readonly groups: readonly FlatGroup[];
  readonly member: ReadonlyMap<string, { group: GroupName; offset: number; size: number; shape: readonly number[] }>;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Assigns each parameter to a group: `fixed` ones (frozen, or with no gradient at all — torch
 * skips those entirely, decay included) to 'frozen', the rest by decays(name).
 */
export function flatLayout(specs: readonly ParamSpec[], fixed: (name: string) => boolean): FlatLayout {
  const lists: Record<GroupName, FlatMember[]> = { decay: [], nodecay: [], frozen: [] };
  const sizes: Record<GroupName, number> = { decay: 0, nodecay: 0, frozen: 0 };
  const member = new Map<string, { group: GroupName; offset: number; size: number; shape: readonly number[] }>();
  for (const s of specs) {
    const group: GroupName = fixed(s.name) ? 'frozen' : decays(s.name) ? 'decay' : 'nodecay';
    const size = numel(s.shape);
    lists[group].push({ name: s.name, shape: s.shape, offset: sizes[group], size });
    member.set(s.name, { group, offset: sizes[group], size, shape: s.shape });
    sizes[group] += size;
  }
  const groups = (['decay', 'nodecay', 'frozen'] as const).filter((g) => sizes[g] > 0).map((g) => ({ name: g, size: sizes[g], members: lists[g] }));
  return { groups, member };
}

/** Graph input names of the flat state. */
export const flatName = {
  param: (g: GroupName) => `flat.${g}`,
  m: (g: GroupName) => `m.${g}`,
  v: (g: GroupName) => `v.${g}`,
  acc: (g: GroupName) => `acc.${g}`,
  newParam: (g: GroupName) => `new.flat.${g}`,
  newM: (g: GroupName) => `new_m.${g}`,
  newV: (g: GroupName) => `new_v.${g}`,
  newAcc: (g: GroupName) => `new_acc.${g}`,
};

/** paramSource for buildForward: each weight a Reshape of a Slice of its group's flat input. */
function sliceSource(layout: FlatLayout): (g: Graph, name: string, shape: readonly number[]) => Value {
  const inputs = new Map<GroupName, Value>();
  return (g, name, shape) => {
    const m = layout.member.get(name);
    if (!m) throw new Error(`Parameter ${name} is not in the flat layout.`);
    let flat = inputs.get(m.group);
    if (!flat) {
      flat = g.input(flatName.param(m.group), 'float32', [layout.groups.find((x) => x.name === m.group)!.size]);
      inputs.set(m.group, flat);
    }
    const part = g.node('Slice', [flat, g.ints([m.offset]), g.ints([m.offset + m.size]), g.ints([0])], [{ dtype: 'float32', shape: [m.size] }])[0];
    return o.reshape(part, shape, shape);
  };
}

/** Flat gradient of each trainable group: the members' gradients flattened and concatenated. */
function flatGradients(fwd: ForwardGraph, loss: Value, layout: FlatLayout, seed?: Value): { flat: Map<GroupName, Value>; perParam: Map<string, Value> } {
  const trainable = layout.groups.filter((x) => TRAINABLE_GROUPS.includes(x.name));
  const members = trainable.flatMap((x) => x.members);
  const raw = gradients(loss, members.map((m) => fwd.paramValues.get(m.name) as Value), seed);
  const perParam = new Map<string, Value>();
  members.forEach((m, i) => {
    const d = raw[i];
    if (!d) throw new Error(`Parameter ${m.name} gets no gradient; it belongs in the frozen group.`);
    perParam.set(m.name, d);
  });
  const flat = new Map<GroupName, Value>();
  for (const grp of trainable) {
    const parts = grp.members.map((m) => o.reshape(perParam.get(m.name)!, [m.size], [m.size]));
    flat.set(grp.name, parts.length === 1 ? parts[0] : o.concat(parts, 0));
  }
  return { flat, perParam };
}

/**
 * Clipping by the global norm over all groups, then AdamW on each group's flat buffers: the
 * same arithmetic as train-graph.ts's per-tensor appendAdamW, element for element.
 */
function appendFlatAdamW(g: Graph, layout: FlatLayout, params: Map<GroupName, Value>, scaledGrads: Map<GroupName, Value>, adamw: AdamWConfig, mixed: boolean): Value {
  const scalar = (name: string) => g.input(name, 'float32', []);
  const decay = scalar('decay');
  const stepSize = scalar('step_size');
  const bc2Sqrt = scalar('bc2_sqrt');
  const maxNorm = scalar('max_norm');
  // Mixed precision: gradients arrive multiplied by the loss scale; divide it out in float32.
  const invScale = mixed ? scalar('inv_loss_scale') : undefined;
  const grads = new Map([...scaledGrads].map(([n, d]) => [n, invScale ? o.mul(d, invScale) : d]));
  const names = [...grads.keys()];
  const sq = new Map(names.map((n) => [n, o.mul(grads.get(n)!, grads.get(n)!)]));
  const norm = o.sqrt(names.map((n) => o.sumAll(sq.get(n)!)).reduce((a, b) => o.add(a, b)));
  const coef = o.where(o.greater(maxNorm, 0), o.min(1, o.div(maxNorm, o.add(norm, 1e-6))), 1);
  const [b1, b2] = adamw.betas;
  const c1 = o.mul(coef, 1 - b1);
  const c2 = o.mul(o.mul(coef, coef), 1 - b2);
  // An overflow in the half-precision backward makes the norm inf or NaN: the whole update is
  // skipped (state kept), as PyTorch's GradScaler skips optimizer.step(); the host halves the scale.
  const finite = mixed ? o.less(norm, Number.POSITIVE_INFINITY) : undefined;
  const gate = (next: Value, old: Value) => (finite ? o.where(finite, next, old) : next);
  for (const grp of layout.groups) {
    if (!grads.has(grp.name)) continue;
    const n = grp.name;
    const p = params.get(n)!;
    const mIn = g.input(flatName.m(n), 'float32', [grp.size]);
    const vIn = g.input(flatName.v(n), 'float32', [grp.size]);
    const decayed = n === 'decay' ? o.mul(p, decay) : p;
    const m = o.add(o.mul(mIn, b1), o.mul(grads.get(n)!, c1));
    const v = o.add(o.mul(vIn, b2), o.mul(sq.get(n)!, c2));
    const denom = o.add(o.div(o.sqrt(v), bc2Sqrt), adamw.eps);
    g.output(gate(o.sub(decayed, o.mul(o.div(m, denom), stepSize)), p), flatName.newParam(n));
    g.output(gate(m, mIn), flatName.newM(n));
    g.output(gate(v, vIn), flatName.newV(n));
  }
  return norm;
}

export interface ResidentTrainGraph {
  readonly g: Graph;
  readonly dropoutSites: number;
  /** Diagnostics: output name of each parameter's raw gradient. */
  readonly gradOutputs: Map<string, string>;
}

/** 'fp16': mixed precision (float16 encoder, float32 master weights, head, loss and AdamW, dynamic loss scale). */
export type Precision = 'fp32' | 'fp16';

function forwardOn(cfg: ModelConfig, head: HeadSpec, layout: FlatLayout, withLoss: boolean, training: boolean, name: string, precision: Precision): ForwardGraph {
  return buildForward(cfg, head, { withLoss, training, keysInput: true, paramSource: sliceSource(layout), name, compute: precision === 'fp16' ? 'float16' : 'float32' });
}

function flatInputs(g: Graph, layout: FlatLayout): Map<GroupName, Value> {
  const m = new Map<GroupName, Value>();
  for (const grp of layout.groups) {
    const v = g.values.get(flatName.param(grp.name));
    if (v) m.set(grp.name, v);
  }
  return m;
}

/** Forward + loss + backward + clipping + AdamW over flat groups; outputs loss, grad_norm and the new state. */
export function buildResidentTrainGraph(cfg: ModelConfig, head: HeadSpec, adamw: AdamWConfig, layout: FlatLayout, opts: { dropout: boolean; exposeGradients?: boolean; precision?: Precision }): ResidentTrainGraph {
  const precision = opts.precision ?? 'fp32';
  const fwd = forwardOn(cfg, head, layout, true, opts.dropout, 'resident-train-step', precision);
  const { g } = fwd;
  const loss = fwd.loss;
  if (!loss) throw new Error('training graph needs a loss');
  // Mixed precision seeds the backward with the loss scale, so small float16 gradients do not flush to zero.
  const seed = precision === 'fp16' ? g.input('loss_scale', 'float32', []) : undefined;
  const { flat, perParam } = flatGradients(fwd, loss, layout, seed);
  const gradOutputs = new Map<string, string>();
  if (opts.exposeGradients) for (const [name, d] of perParam) gradOutputs.set(name, g.output(seed ? o.div(d, seed) : d, `grad.${name}`).name);
  const norm = appendFlatAdamW(g, layout, flatInputs(g, layout), flat, adamw, precision === 'fp16');
  g.output(loss, 'loss');
  g.output(norm, 'grad_norm');
  pruneDeadNodes(g);
  return { g, dropoutSites: fwd.dropoutSites, gradOutputs };
}

/**
 * One micro-batch of accumulation: forward + loss·loss_scale + backward, each group's flat
 * gradient added to `acc.<group>` (absent for the first micro-batch) into `new_acc.<group>`.
 */
export function buildResidentGradGraph(cfg: ModelConfig, head: HeadSpec, layout: FlatLayout, opts: { dropout: boolean; first: boolean; precision?: Precision }): { g: Graph; dropoutSites: number } {
  const fwd = forwardOn(cfg, head, layout, true, opts.dropout, 'resident-grads', opts.precision ?? 'fp32');
  const { g } = fwd;
  const loss = fwd.loss;
  if (!loss) throw new Error('training graph needs a loss');
  const scale = g.input('loss_scale', 'float32', []);
  const { flat } = flatGradients(fwd, loss, layout, scale);
  for (const [n, d] of flat) {
    const size = layout.groups.find((x) => x.name === n)!.size;
    g.output(opts.first ? d : o.add(g.input(flatName.acc(n), 'float32', [size]), d), flatName.newAcc(n));
  }
  g.output(loss, 'loss');
  pruneDeadNodes(g);
  return { g, dropoutSites: fwd.dropoutSites };
}

/** Clipping + AdamW from accumulated flat gradients `acc.<group>`. */
export function buildResidentApplyGraph(layout: FlatLayout, adamw: AdamWConfig, precision: Precision = 'fp32'): Graph {
  const graph = new Graph('resident-apply');
  const params = new Map<GroupName, Value>();
  const grads = new Map<GroupName, Value>();
  for (const grp of layout.groups) {
    if (!TRAINABLE_GROUPS.includes(grp.name)) continue;
    params.set(grp.name, graph.input(flatName.param(grp.name), 'float32', [grp.size]));
    grads.set(grp.name, graph.input(flatName.acc(grp.name), 'float32', [grp.size]));
  }
  graph.output(appendFlatAdamW(graph, layout, params, grads, adamw, precision === 'fp16'), 'grad_norm');
  return graph;
}

/** Dropout off; outputs the head's outputs and, with targets, the loss. */
export function buildResidentEvalGraph(cfg: ModelConfig, head: HeadSpec, layout: FlatLayout, withLoss: boolean, precision: Precision = 'fp32'): Graph {
  const fwd = forwardOn(cfg, head, layout, withLoss, false, 'resident-eval', precision);
  for (const [k, v] of Object.entries(fwd.outputs)) fwd.g.output(v, k);
  if (fwd.loss) fwd.g.output(fwd.loss, 'loss');
  pruneDeadNodes(fwd.g);
  return fwd.g;
}

/**
 * The layout of a model: frozen parameters, and those no gradient reaches (found by building
 * the backward once), go to the frozen group.
 */
export function layoutFor(cfg: ModelConfig, head: HeadSpec, freeze: FreezeOptions): { layout: FlatLayout; specs: ParamSpec[] } {
  const frozen = frozenParams(freeze);
  const fwd = buildForward(cfg, head, { withLoss: true, training: false, name: 'layout' });
  const specs = fwd.params;
  const trainable = specs.filter((s) => !frozen(s.name));
  const raw = gradients(fwd.loss!, trainable.map((s) => fwd.paramValues.get(s.name) as Value));
  const none = new Set(trainable.filter((_, i) => raw[i] === null).map((s) => s.name));
  return { layout: flatLayout(specs, (n) => frozen(n) || none.has(n)), specs };
}
