// EngineModel on ONNX Runtime: holds parameters and AdamW moments on the host, builds the
// train/eval graphs once per phase, and runs them. Sessions are cached per phase.
import type { AdamWConfig, Batch, EngineModel, ForwardResult, HeadSpec, MicroBatchOptions, StepOptions, StepResult, TensorData, UpdateOptions } from './api.ts';
import { checkBatch, hasTargets, inputFeeds, targetFeeds } from './feeds.ts';
import { FORWARD_FIELDS, stepMicroBatches } from './micro-batches.ts';
import { checkFreeze, type FreezeOptions } from './freeze.ts';
import { serialize } from '../graph/onnx.ts';
import { RowGradSum } from './row-grad-sum.ts';
import { checkAvailable, createSession, type Device, type HostTensor, type Session } from './runtime.ts';
import { adamwScalars, buildApplyGraph, buildGradGraph, buildTrainGraph, type TrainGraph, type UpdatedOutputs } from './train-graph.ts';
import type { ModelConfig } from '../models/config.ts';
import { FAMILIES } from '../models/families.ts';
import { buildForward, type ParamSpec } from '../models/graph/model.ts';

const f32 = (shape: readonly number[], data: Float32Array): HostTensor => ({ dtype: 'float32', shape, data });
const scalarF32 = (x: number): HostTensor => ({ dtype: 'float32', shape: [], data: Float32Array.of(x) });
const scalarI64 = (x: number): HostTensor => ({ dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(x)) });

export interface DetailedStep extends StepResult {
  /** Raw gradients before clipping (diagnostics graph only); absent where none flows. */
  grads?: Map<string, Float32Array>;
  outputs: Record<string, HostTensor>;
}


function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 1) throw new Error(`AdamW step must be a whole number ≥ 1, got ${step}.`);
}

function copyMap(m: Map<string, Float32Array>, specs: readonly ParamSpec[]): Map<string, TensorData> {
  return new Map(specs.map((s) => [s.name, { dtype: 'float32', shape: [...s.shape], data: Float32Array.from(m.get(s.name)!) }]));
}

export class OrtEngineModel implements EngineModel {
  private readonly specs: ParamSpec[];
  private params = new Map<string, Float32Array>();
  private m = new Map<string, Float32Array>();
  private v = new Map<string, Float32Array>();
  private readonly sessions = new Map<string, Promise<{ session: Session; graph?: TrainGraph }>>();
  /** Gradient accumulation: per-parameter sums of d(loss·scale)/dθ since the last update (absent: none flows). */
  private pending: Map<string, Float32Array> | null = null;
  /** Output names of the gradients graph, known once it is built (same for every dropout setting). */
  private gradNames: Map<string, string> | null = null;
  /** The word-embedding table whose gradient the gradients graph returns as gathered rows, and their running sum. */
  private sparseGrad: { table: string; rowsOutput: string; sum: RowGradSum } | null = null;
  private applyOutputs: UpdatedOutputs | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly head: HeadSpec,
    weights: Map<string, TensorData>,
    private readonly adamw: AdamWConfig,
    private readonly freeze: FreezeOptions = {},
    /** Every session of this model (train, gradients, apply, eval) runs on this device. */
    readonly device: Device = 'cpu',
  ) {
    checkAvailable(device);
    checkFreeze(freeze, config);
    this.specs = buildForward(config, head, { withLoss: false, training: false }).params;
    this.setParameters(weights);
    for (const s of this.specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      this.m.set(s.name, new Float32Array(n));
      this.v.set(s.name, new Float32Array(n));
    }
  }

  private checkBatch(batch: Batch): void {
    checkBatch(this.config, batch);
  }

  private get tokenTypes(): boolean {
    return FAMILIES[this.config.modelType].tokenTypes;
  }

  private session(key: string, build: () => { bytes: Uint8Array; graph?: TrainGraph }): Promise<{ session: Session; graph?: TrainGraph }> {
    let s = this.sessions.get(key);
    if (!s) {
      const { bytes, graph } = build();
      s = createSession(bytes, { device: this.device }).then((session) => ({ session, ...(graph ? { graph } : {}) }));
      this.sessions.set(key, s);
    }
    return s;
  }

  private paramFeeds(prefix = ''): Record<string, HostTensor> {
    const feeds: Record<string, HostTensor> = {};
    for (const s of this.specs) feeds[s.name] = f32(s.shape, this.params.get(s.name)!);
    if (prefix === 'adamw')
      for (const s of this.specs) {
        feeds[`m.${s.name}`] = f32(s.shape, this.m.get(s.name)!);
        feeds[`v.${s.name}`] = f32(s.shape, this.v.get(s.name)!);
      }
    return feeds;
  }

  async step(batch: Batch | readonly Batch[], opts: StepOptions): Promise<StepResult> {
    const batches: readonly Batch[] = Array.isArray(batch) ? batch : [batch as Batch];
    if (batches.length === 0) throw new Error('A training step needs at least one batch.');
    if (batches.length === 1) {
      // Fast path: forward, backward and AdamW in one graph, no gradients through the host.
      const { loss, gradNorm } = await this.stepDetailed(batches[0], opts, false);
      return { loss, gradNorm };
    }
    checkStep(opts.step);
    if (this.pending) throw new Error('Gradients are already being accumulated; call applyUpdate() before step().');
    return stepMicroBatches(this, batches, opts);
  }

  async accumulate(batch: Batch, opts: MicroBatchOptions): Promise<{ loss: number }> {
    this.checkBatch(batch);
    if (!Number.isFinite(opts.lossScale) || opts.lossScale <= 0) throw new Error(`Loss scale must be a positive number, got ${opts.lossScale}.`);
    const { session } = await this.session(`grads:${opts.dropout}`, () => {
      const gg = buildGradGraph(this.config, this.head, { dropout: opts.dropout, sparseWordGrad: true, ...this.freeze });
      this.gradNames = gg.gradOutputs;
      // Micro-batches carry B·S·H row gradients instead of the vocab × H table: that table's
      // copies and sums were accumulation's whole overhead on tiny/mini (tiny 8×4: +40% → −1%, BENCH.md).
      this.sparseGrad = gg.sparse ? { ...gg.sparse, sum: new RowGradSum(this.config.vocabSize, this.config.hiddenSize, this.config.padTokenId) } : null;
      return { bytes: serialize(gg.g) };
    });
    const feeds: Record<string, HostTensor> = { ...inputFeeds(batch, this.tokenTypes), ...targetFeeds(batch, this.head), ...this.paramFeeds(), loss_scale: scalarF32(opts.lossScale) };
    if (opts.dropout) {
      feeds.seed = scalarI64(opts.seed);
      feeds.step = scalarI64(opts.dropoutKey);
    }
    const out = await session.run(feeds);
    const pending = (this.pending ??= new Map());
    for (const [name, o] of this.gradNames!) {
      const gr = out[o].data as Float32Array;
      const acc = pending.get(name);
      // The first micro-batch's output becomes the sum (no copy); later ones are added in place.
      if (!acc) pending.set(name, gr);
      else for (let i = 0; i < acc.length; i++) acc[i] += gr[i];
    }
    const sparse = this.sparseGrad;
    if (sparse) {
      sparse.sum.add(out[sparse.rowsOutput].data as Float32Array, batch.inputIds);
      pending.set(sparse.table, sparse.sum.dense);
    }
    return { loss: Number(out.loss.data[0]) };
  }

  async applyUpdate(opts: UpdateOptions): Promise<{ gradNorm: number }> {
    checkStep(opts.step);
    const pending = this.pending;
    if (!pending) throw new Error('There are no accumulated gradients to apply; call accumulate() first.');
    const specs = this.specs.filter((s) => pending.has(s.name));
    const { session } = await this.session('apply', () => {
      const ag = buildApplyGraph(specs, this.adamw);
      this.applyOutputs = ag.updated;
      return { bytes: serialize(ag.g) };
    });
    const scal = adamwScalars(this.adamw, opts.lr, opts.step);
    const feeds: Record<string, HostTensor> = { decay: scalarF32(scal.decay), step_size: scalarF32(scal.step_size), bc2_sqrt: scalarF32(scal.bc2_sqrt), max_norm: scalarF32(scal.max_norm) };
    for (const s of specs) {
      feeds[s.name] = f32(s.shape, this.params.get(s.name)!);
      feeds[`m.${s.name}`] = f32(s.shape, this.m.get(s.name)!);
      feeds[`v.${s.name}`] = f32(s.shape, this.v.get(s.name)!);
      feeds[`grad.${s.name}`] = f32(s.shape, pending.get(s.name)!);
    }
    const out = await session.run(feeds);
    this.discardPending();
    // Parameters without a gradient are not in the apply graph: torch skips them, so do we.
    for (const [name, o] of this.applyOutputs!) {
      this.params.set(name, out[o.param].data as Float32Array);
      this.m.set(name, out[o.m].data as Float32Array);
      this.v.set(name, out[o.v].data as Float32Array);
    }
    return { gradNorm: Number(out.grad_norm.data[0]) };
  }

  private discardPending(): void {
    this.pending = null;
    this.sparseGrad?.sum.clear();
  }

  /** A training step; with `diagnostics` it also returns the raw gradients. */
  async stepDetailed(batch: Batch, opts: StepOptions, diagnostics: boolean): Promise<DetailedStep> {
    checkStep(opts.step);
    if (this.pending) throw new Error('Gradients are being accumulated; call applyUpdate() before a one-batch step.');
    this.checkBatch(batch);
    const key = `train:${opts.dropout}:${diagnostics}`;
    const { session, graph } = await this.session(key, () => {
      const graph = buildTrainGraph(this.config, this.head, this.adamw, { dropout: opts.dropout, exposeGradients: diagnostics, ...this.freeze });
      return { bytes: serialize(graph.g), graph };
    });
    const scal = adamwScalars(this.adamw, opts.lr, opts.step);
    const feeds: Record<string, HostTensor> = {
      ...inputFeeds(batch, this.tokenTypes),
      ...targetFeeds(batch, this.head),
      ...this.paramFeeds('adamw'),
      decay: scalarF32(scal.decay),
      step_size: scalarF32(scal.step_size),
      bc2_sqrt: scalarF32(scal.bc2_sqrt),
      max_norm: scalarF32(scal.max_norm),
    };
    if (opts.dropout) {
      feeds.seed = scalarI64(opts.seed);
      feeds.step = scalarI64(opts.step);
    }
    const out = await session.run(feeds);
    for (const [name, o] of graph!.updated) {
      this.params.set(name, out[o.param].data as Float32Array);
      this.m.set(name, out[o.m].data as Float32Array);
      this.v.set(name, out[o.v].data as Float32Array);
    }
    const result: DetailedStep = { loss: Number(out.loss.data[0]), gradNorm: Number(out.grad_norm.data[0]), outputs: out };
    if (diagnostics) {
      result.grads = new Map();
      for (const [name, o] of graph!.gradOutputs) if (o) result.grads.set(name, out[o].data as Float32Array);
    }
    return result;
  }

  async forward(batch: Batch): Promise<ForwardResult> {
    this.checkBatch(batch);
    const withLoss = hasTargets(batch, this.head);
    const { session } = await this.session(`eval:${withLoss}`, () => {
      const fwd = buildForward(this.config, this.head, { withLoss, training: false, name: 'eval' });
      for (const [k, v] of Object.entries(fwd.outputs)) fwd.g.output(v, k);
      if (fwd.loss) fwd.g.output(fwd.loss, 'loss');
      return { bytes: serialize(fwd.g) };
    });
    const feeds = { ...inputFeeds(batch, this.tokenTypes), ...(withLoss ? targetFeeds(batch, this.head) : {}), ...this.paramFeeds() };
    const out = await session.run(feeds);
    const res: ForwardResult = { dims: {} };
    for (const [name, field] of Object.entries(FORWARD_FIELDS)) {
      const t = out[name];
      if (!t) continue;
      res[field] = t.data as Float32Array;
      res.dims[field] = [...t.shape];
    }
    if (withLoss) res.loss = Number(out.loss.data[0]);
    return res;
  }

  parameters(): Map<string, TensorData> {
    return copyMap(this.params, this.specs);
  }

  setParameters(p: Map<string, TensorData>): void {
    const missing = this.specs.filter((s) => !p.has(s.name)).map((s) => s.name);
    if (missing.length) throw new Error(`Weights are missing ${missing.length} parameter(s) the model needs, e.g. ${missing.slice(0, 3).join(', ')}.`);
    const next = new Map<string, Float32Array>();
    for (const s of this.specs) {
      const t = p.get(s.name)!;
      if (t.shape.join('x') !== s.shape.join('x')) throw new Error(`Parameter ${s.name} has shape [${t.shape}] but the model needs [${s.shape}].`);
      next.set(s.name, Float32Array.from(t.data));
    }
    this.params = next;
    // Gradients of other weights must not be applied to these.
    this.discardPending();
  }

  optimizerState(): { m: Map<string, TensorData>; v: Map<string, TensorData> } {
    return { m: copyMap(this.m, this.specs), v: copyMap(this.v, this.specs) };
  }

  setOptimizerState(s: { m: Map<string, TensorData>; v: Map<string, TensorData> }): void {
    for (const [which, src] of [['m', s.m] as const, ['v', s.v] as const]) {
      for (const spec of this.specs) {
        const t = src.get(spec.name);
        if (!t || t.data.length !== spec.shape.reduce((a, b) => a * b, 1)) throw new Error(`Optimizer state ${which} for ${spec.name} is missing or has the wrong size.`);
      }
    }
    this.m = new Map(this.specs.map((sp) => [sp.name, Float32Array.from(s.m.get(sp.name)!.data)]));
    this.v = new Map(this.specs.map((sp) => [sp.name, Float32Array.from(s.v.get(sp.name)!.data)]));
  }

  exportOnnx(opts: { metadata?: Record<string, string> } = {}): Uint8Array {
    return exportForward(this.config, this.head, (name) => this.params.get(name)!, opts.metadata ?? {});
  }

  /** Parameters and moments already live on the host. */
  async syncToHost(_what?: 'parameters' | 'all'): Promise<void> {}

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await (await s).session.release();
  }
}

/** The forward graph with `weight(name)` baked in as initializers: the exported model. */
export function exportForward(config: ModelConfig, head: HeadSpec, weight: (name: string) => Float32Array, metadata: Record<string, string>): Uint8Array {
  const fwd = buildForward(config, head, { withLoss: false, training: false, bake: weight, name: 'bert-studio-export' });
  for (const [k, v] of Object.entries(fwd.outputs)) fwd.g.output(v, k);
  return serialize(fwd.g, { metadata });
}
