// EngineModel for GPU providers: the training state (parameters, AdamW moments, accumulated
// gradients) lives on the device for the whole run, as a few flat buffers per parameter group
// (resident-graph.ts). Per step only the batch and a few scalars go up and the loss and
// gradient norm come back; weights come back to the host only in syncToHost() (checkpoints,
// best weights, export). Sessions are per (batch, seq bucket), with static shapes.
import type { AdamWConfig, Batch, EngineModel, ForwardResult, HeadSpec, MicroBatchOptions, StepOptions, StepResult, TensorData, UpdateOptions } from './api.ts';
import { bucketSeq, cutSeq, padBatch } from './buckets.ts';
import { checkBatch, hasTargets, inputFeeds, maxSequence, targetFeeds } from './feeds.ts';
import { FORWARD_FIELDS, stepMicroBatches } from './micro-batches.ts';
import { checkFreeze, type FreezeOptions } from './freeze.ts';
import type { Graph } from '../graph/ir.ts';
import { exportForward, type DetailedStep } from './model.ts';
import { DynamicLossScale } from './loss-scale.ts';
import { buildResidentApplyGraph, buildResidentEvalGraph, buildResidentGradGraph, buildResidentTrainGraph, flatName, layoutFor, TRAINABLE_GROUPS, type FlatLayout, type GroupName, type Precision } from './resident-graph.ts';
import { checkAvailable, readBack, upload, type Device, type DeviceTensor, type Feed, type HostTensor } from './runtime.ts';
import { openStatic, releaseStatic, runStatic, type StaticSession } from './static-session.ts';
import { adamwScalars } from './train-graph.ts';
import type { ModelConfig } from '../models/config.ts';
import { FAMILIES } from '../models/families.ts';
import { siteKeysHost } from '../models/graph/dropout.ts';
import type { ParamSpec } from '../models/graph/model.ts';

interface Compiled extends StaticSession {
  sites: number;
  gradOutputs?: Map<string, string>;
}

const scalarF32 = (x: number): HostTensor => ({ dtype: 'float32', shape: [], data: Float32Array.of(x) });
/**
 * Sessions kept open: a run needs one per graph kind (train, eval) × batch size × sequence bucket
 * (7 buckets up to 128 tokens); the least recently used is released past this.
 */
const MAX_SESSIONS = 16;

type Kind = 'p' | 'm' | 'v';
const stateKey = (kind: Kind, g: GroupName) => `${kind}.${g}`;
const inputName = (kind: Kind, g: GroupName) => (kind === 'p' ? flatName.param(g) : kind === 'm' ? flatName.m(g) : flatName.v(g));

export class ResidentEngineModel implements EngineModel {
  readonly specs: ParamSpec[];
  readonly layout: FlatLayout;
  /** Host copies of the flat buffers, by stateKey; valid while `fresh` holds their kind. */
  private host = new Map<string, Float32Array>();
  private readonly fresh = new Set<Kind>(['p', 'm', 'v']);
  /** Device copies, by stateKey. A host copy newer than the device's replaces it at the next run. */
  private dev = new Map<string, DeviceTensor>();
  private acc: Map<GroupName, DeviceTensor> | null = null;
  private readonly sessions = new Map<string, Promise<Compiled>>();
  /** Bytes that crossed host → device and device → host in the last step (the bench reports them). */
  lastTransfer = { up: 0, down: 0 };

  constructor(
    readonly config: ModelConfig,
    readonly head: HeadSpec,
    weights: Map<string, TensorData>,
    private readonly adamw: AdamWConfig,
    private readonly freeze: FreezeOptions = {},
    readonly device: Device = 'webgpu',
    /** fp16: mixed precision (float16 encoder, float32 master weights and AdamW, dynamic loss scale). */
    readonly precision: Precision = 'fp32',
    /** The loss scale of mixed precision (unused in fp32). */
    readonly lossScale = new DynamicLossScale(),
  ) {
    checkAvailable(device);
    checkFreeze(freeze, config);
    const { layout, specs } = layoutFor(config, head, freeze);
    this.layout = layout;
    this.specs = specs;
    this.setParameters(weights);
    for (const grp of layout.groups) {
      if (!TRAINABLE_GROUPS.includes(grp.name)) continue;
      this.host.set(stateKey('m', grp.name), new Float32Array(grp.size));
      this.host.set(stateKey('v', grp.name), new Float32Array(grp.size));
    }
  }

  private get tokenTypes(): boolean {
    return FAMILIES[this.config.modelType].tokenTypes;
  }

  private compiled(key: string, build: () => { g: Graph; sites: number; gradOutputs?: Map<string, string> }, dims: Record<string, number>, resident: (name: string) => boolean): Promise<Compiled> {
    let s = this.sessions.get(key);
    if (s) {
      // Most recently used last: the oldest entry is the one released.
      this.sessions.delete(key);
      this.sessions.set(key, s);
      return s;
    }
    const { g, sites, gradOutputs } = build();
    const outputs = g.outputs.map((v) => v.name).filter(resident);
    s = openStatic(g, { ...dims, dropout_sites: sites }, this.device, outputs).then((c) => ({ ...c, sites, ...(gradOutputs ? { gradOutputs } : {}) }));
    this.sessions.set(key, s);
    if (this.sessions.size > MAX_SESSIONS) {
      const [oldKey, old] = this.sessions.entries().next().value as [string, Promise<Compiled>];
      this.sessions.delete(oldKey);
      void old.then(releaseStatic);
    }
    return s;
  }

  /** The state a graph needs, uploading host copies that are newer than the device's. */
  private async state(kinds: readonly Kind[], groups: readonly GroupName[]): Promise<Record<string, Feed>> {
    const feeds: Record<string, Feed> = {};
    for (const g of groups)
      for (const k of kinds) {
        if (k !== 'p' && !TRAINABLE_GROUPS.includes(g)) continue;
        const key = stateKey(k, g);
        let t = this.dev.get(key);
        if (!t) {
          t = await upload({ dtype: 'float32', shape: [this.host.get(key)!.length], data: this.host.get(key)! }, this.device);
          this.dev.set(key, t);
        }
        feeds[inputName(k, g)] = t;
      }
    return feeds;
  }

  private replace(key: string, t: DeviceTensor): void {
    this.dev.get(key)?.release();
    this.dev.set(key, t);
  }

  /** After an update: the device holds the newest parameters and moments. */
  private takeState(out: Record<string, DeviceTensor>): void {
    for (const grp of this.layout.groups) {
      if (!TRAINABLE_GROUPS.includes(grp.name)) continue;
      this.replace(stateKey('p', grp.name), out[flatName.newParam(grp.name)]);
      this.replace(stateKey('m', grp.name), out[flatName.newM(grp.name)]);
      this.replace(stateKey('v', grp.name), out[flatName.newV(grp.name)]);
    }
    this.fresh.clear();
  }

  private padded(batch: Batch): Batch {
    checkBatch(this.config, batch);
    return padBatch(batch, bucketSeq(batch.seq, maxSequence(this.config)), this.config.padTokenId, this.head);
  }

  private keys(sites: number, seed: number, key: number): Record<string, HostTensor> {
    return sites > 0 ? { dropout_keys: { dtype: 'int32', shape: [sites], data: siteKeysHost(seed, key, sites) } } : {};
  }

  /** AdamW's scalars; skipped mixed-precision steps do not advance its step count (as torch's per-parameter step). */
  private scalars(lr: number, step: number) {
    return adamwScalars(this.adamw, lr, this.precision === 'fp16' ? Math.max(1, step - this.lossScale.skipped) : step);
  }

  private scaleFeeds(scale: number): Record<string, HostTensor> {
    return this.precision === 'fp16' ? { loss_scale: scalarF32(scale), inv_loss_scale: scalarF32(1 / scale) } : {};
  }

  private groups(): GroupName[] {
    return this.layout.groups.map((g) => g.name);
  }

  async step(batch: Batch | readonly Batch[], opts: StepOptions): Promise<StepResult> {
    const batches: readonly Batch[] = Array.isArray(batch) ? batch : [batch as Batch];
    if (batches.length === 0) throw new Error('A training step needs at least one batch.');
    if (batches.length === 1) {
      const { loss, gradNorm } = await this.stepDetailed(batches[0], opts, false);
      return { loss, gradNorm };
    }
    if (this.acc) throw new Error('Gradients are already being accumulated; call applyUpdate() before step().');
    return stepMicroBatches(this, batches, opts);
  }

  async stepDetailed(batch: Batch, opts: StepOptions, diagnostics: boolean): Promise<DetailedStep> {
    if (!Number.isInteger(opts.step) || opts.step < 1) throw new Error(`AdamW step must be a whole number ≥ 1, got ${opts.step}.`);
    if (this.acc) throw new Error('Gradients are being accumulated; call applyUpdate() before a one-batch step.');
    const b = this.padded(batch);
    const c = await this.compiled(
      `train:${b.batch}x${b.seq}:${opts.dropout}:${diagnostics}:${this.precision}`,
      () => {
        const t = buildResidentTrainGraph(this.config, this.head, this.adamw, this.layout, { dropout: opts.dropout, exposeGradients: diagnostics, precision: this.precision });
        return { g: t.g, sites: t.dropoutSites, gradOutputs: t.gradOutputs };
      },
      { batch: b.batch, seq: b.seq },
      (n) => n.startsWith('new'),
    );
    const scal = this.scalars(opts.lr, opts.step);
    const feeds: Record<string, Feed> = {
      ...inputFeeds(b, this.tokenTypes),
      ...targetFeeds(b, this.head),
      ...(opts.dropout ? this.keys(c.sites, opts.seed, opts.step) : {}),
      ...this.scaleFeeds(this.lossScale.scale),
      decay: scalarF32(scal.decay),
      step_size: scalarF32(scal.step_size),
      bc2_sqrt: scalarF32(scal.bc2_sqrt),
      max_norm: scalarF32(scal.max_norm),
      ...(await this.state(['p', 'm', 'v'], this.groups())),
    };
    const res = await runStatic(c, feeds);
    this.takeState(res.device);
    this.lastTransfer = { up: res.uploadedBytes, down: Object.values(res.host).reduce((n, t) => n + t.data.byteLength, 0) };
    const out: DetailedStep = { loss: Number(res.host.loss.data[0]), gradNorm: Number(res.host.grad_norm.data[0]), outputs: res.host };
    if (this.precision === 'fp16') this.lossScale.update(out.gradNorm);
    if (diagnostics && c.gradOutputs) {
      out.grads = new Map();
      for (const [name, o] of c.gradOutputs) out.grads.set(name, res.host[o].data as Float32Array);
    }
    return out;
  }

  async accumulate(batch: Batch, opts: MicroBatchOptions): Promise<{ loss: number }> {
    if (!Number.isFinite(opts.lossScale) || opts.lossScale <= 0) throw new Error(`Loss scale must be a positive number, got ${opts.lossScale}.`);
    const b = this.padded(batch);
    const first = this.acc === null;
    const c = await this.compiled(
      `grads:${b.batch}x${b.seq}:${opts.dropout}:${first}:${this.precision}`,
      () => {
        const t = buildResidentGradGraph(this.config, this.head, this.layout, { dropout: opts.dropout, first, precision: this.precision });
        return { g: t.g, sites: t.dropoutSites };
      },
      { batch: b.batch, seq: b.seq },
      (n) => n.startsWith('new_acc'),
    );
    const feeds: Record<string, Feed> = {
      ...inputFeeds(b, this.tokenTypes),
      ...targetFeeds(b, this.head),
      ...(opts.dropout ? this.keys(c.sites, opts.seed, opts.dropoutKey) : {}),
      // Mixed precision: the micro-batch's share times the dynamic loss scale (divided out in applyUpdate).
      loss_scale: scalarF32(opts.lossScale * (this.precision === 'fp16' ? this.lossScale.scale : 1)),
      ...(await this.state(['p'], this.groups())),
    };
    for (const [g, t] of this.acc ?? []) feeds[flatName.acc(g)] = t;
    const res = await runStatic(c, feeds);
    const next = new Map<GroupName, DeviceTensor>();
    for (const grp of this.layout.groups) {
      const t = res.device[flatName.newAcc(grp.name)];
      if (t) next.set(grp.name, t);
    }
    for (const t of this.acc?.values() ?? []) t.release();
    this.acc = next;
    return { loss: Number(res.host.loss.data[0]) };
  }

  async applyUpdate(opts: UpdateOptions): Promise<{ gradNorm: number }> {
    if (!Number.isInteger(opts.step) || opts.step < 1) throw new Error(`AdamW step must be a whole number ≥ 1, got ${opts.step}.`);
    const acc = this.acc;
    if (!acc) throw new Error('There are no accumulated gradients to apply; call accumulate() first.');
    const c = await this.compiled(`apply:${this.precision}`, () => ({ g: buildResidentApplyGraph(this.layout, this.adamw, this.precision), sites: 0 }), {}, (n) => n.startsWith('new'));
    const scal = this.scalars(opts.lr, opts.step);
    const trainable = this.groups().filter((g) => TRAINABLE_GROUPS.includes(g));
    const feeds: Record<string, Feed> = {
      decay: scalarF32(scal.decay),
      step_size: scalarF32(scal.step_size),
      bc2_sqrt: scalarF32(scal.bc2_sqrt),
      max_norm: scalarF32(scal.max_norm),
      ...(this.precision === 'fp16' ? { inv_loss_scale: scalarF32(1 / this.lossScale.scale) } : {}),
      ...(await this.state(['p', 'm', 'v'], trainable)),
    };
    for (const [g, t] of acc) feeds[flatName.acc(g)] = t;
    const res = await runStatic(c, feeds);
    this.takeState(res.device);
    this.discardPending();
    const gradNorm = Number(res.host.grad_norm.data[0]);
    if (this.precision === 'fp16') this.lossScale.update(gradNorm);
    return { gradNorm };
  }

  private discardPending(): void {
    for (const t of this.acc?.values() ?? []) t.release();
    this.acc = null;
  }

  async forward(batch: Batch): Promise<ForwardResult> {
    const b = this.padded(batch);
    const withLoss = hasTargets(batch, this.head);
    const c = await this.compiled(`eval:${b.batch}x${b.seq}:${withLoss}:${this.precision}`, () => ({ g: buildResidentEvalGraph(this.config, this.head, this.layout, withLoss, this.precision), sites: 0 }), { batch: b.batch, seq: b.seq }, () => false);
    const feeds: Record<string, Feed> = { ...inputFeeds(b, this.tokenTypes), ...(withLoss ? targetFeeds(b, this.head) : {}), ...(await this.state(['p'], this.groups())) };
    const out = (await runStatic(c, feeds)).host;
    const res: ForwardResult = { dims: {} };
    for (const [name, field] of Object.entries(FORWARD_FIELDS)) {
      const t = out[name];
      if (!t) continue;
      // Per-token outputs [B, S', ...] are cut back to the batch's own length S.
      const perToken = t.shape.length >= 2 && t.shape[1] === b.seq && !(name === 'logits' && this.head.kind !== 'token-classification');
      const tail = t.shape.slice(2).reduce((x, y) => x * y, 1);
      res[field] = perToken ? cutSeq(t.data as Float32Array, b.batch, b.seq, batch.seq, tail) : (t.data as Float32Array);
      res.dims[field] = perToken ? [t.shape[0], batch.seq, ...t.shape.slice(2)] : [...t.shape];
    }
    if (withLoss) res.loss = Number(out.loss.data[0]);
    return res;
  }

  async syncToHost(what: 'parameters' | 'all' = 'all'): Promise<void> {
    const kinds: Kind[] = what === 'parameters' ? ['p'] : ['p', 'm', 'v'];
    for (const [key, t] of this.dev) {
      const kind = key.split('.')[0] as Kind;
      if (this.fresh.has(kind) || !kinds.includes(kind)) continue;
      this.host.set(key, (await readBack(t, this.device)).data as Float32Array);
    }
    for (const k of kinds) this.fresh.add(k);
  }

  private needFresh(kind: Kind): void {
    if (!this.fresh.has(kind)) throw new Error('The training state is on the GPU; call await model.syncToHost() before reading it.');
  }

  private unflatten(kind: Kind): Map<string, TensorData> {
    const out = new Map<string, TensorData>();
    for (const s of this.specs) {
      const m = this.layout.member.get(s.name)!;
      const flat = this.host.get(stateKey(kind, m.group));
      // Frozen parameters have no moments: zeros, as the CPU model keeps them.
      const data = flat ? flat.slice(m.offset, m.offset + m.size) : new Float32Array(m.size);
      out.set(s.name, { dtype: 'float32', shape: [...s.shape], data });
    }
    return out;
  }

  private flatten(kind: Kind, src: Map<string, TensorData>, what: string): void {
    for (const grp of this.layout.groups) {
      if (kind !== 'p' && !TRAINABLE_GROUPS.includes(grp.name)) continue;
      const flat = new Float32Array(grp.size);
      for (const m of grp.members) {
        const t = src.get(m.name);
        if (!t || t.data.length !== m.size) throw new Error(`${what} for ${m.name} is missing or has the wrong size.`);
        flat.set(t.data, m.offset);
      }
      this.host.set(stateKey(kind, grp.name), flat);
      this.dev.get(stateKey(kind, grp.name))?.release();
      this.dev.delete(stateKey(kind, grp.name));
    }
    this.fresh.add(kind);
  }

  parameters(): Map<string, TensorData> {
    this.needFresh('p');
    return this.unflatten('p');
  }

  setParameters(p: Map<string, TensorData>): void {
    const missing = this.specs.filter((s) => !p.has(s.name)).map((s) => s.name);
    if (missing.length) throw new Error(`Weights are missing ${missing.length} parameter(s) the model needs, e.g. ${missing.slice(0, 3).join(', ')}.`);
    for (const s of this.specs) {
      const t = p.get(s.name)!;
      if (t.shape.join('x') !== s.shape.join('x')) throw new Error(`Parameter ${s.name} has shape [${t.shape}] but the model needs [${s.shape}].`);
    }
    this.flatten('p', p, 'Parameter');
    this.discardPending();
  }

  optimizerState(): { m: Map<string, TensorData>; v: Map<string, TensorData> } {
    this.needFresh('m');
    return { m: this.unflatten('m'), v: this.unflatten('v') };
  }

  setOptimizerState(s: { m: Map<string, TensorData>; v: Map<string, TensorData> }): void {
    this.flatten('m', s.m, 'Optimizer state m');
    this.flatten('v', s.v, 'Optimizer state v');
  }

  exportOnnx(opts: { metadata?: Record<string, string> } = {}): Uint8Array {
    this.needFresh('p');
    const params = this.unflatten('p');
    return exportForward(this.config, this.head, (name) => params.get(name)!.data, opts.metadata ?? {});
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await releaseStatic(await s);
    for (const t of this.dev.values()) t.release();
    this.dev.clear();
    this.discardPending();
  }
}
