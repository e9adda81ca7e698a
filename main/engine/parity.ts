// The parity check of ../shared/fixtures/parity/README.md: run a fixture's batch through the
// engine (forward, gradients, K AdamW steps, dropout off) and compare with PyTorch's numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdamWConfig, Batch, HeadSpec, TensorData } from './api.ts';
import { openEngineModel } from './engine-model.ts';
import { serialize } from '../graph/onnx.ts';
import { createSession, readPlacement, withProfiles, type Device, type HostTensor, type Placement } from './runtime.ts';
import { openStatic, releaseStatic, runStatic } from './static-session.ts';
import { inputFeeds } from './feeds.ts';
import { ModelFormatError, type ModelConfig } from '../models/config.ts';
import { FAMILIES } from '../models/families.ts';
import { buildForward } from '../models/graph/model.ts';
import * as o from '../graph/ops.ts';
import { loadModelFolder } from '../models/load-folder.ts';
import { readSafetensors } from '../models/safetensors.ts';

export const TOLERANCE = { value: 1e-4, paramsAfter: 1e-4, paramDelta: 1e-2 } as const;

/**
 * Mixed precision (float16 encoder) against PyTorch's float32: every activation is rounded to
 * 11 significant bits between ops. Measured on the six fixtures (ONNX Runtime's CPU float16
 * kernels): logits ≤ 1.7e-3, loss ≤ 1.6e-5, per-parameter gradient norms ≤ 2.0e-3, per-step
 * losses and norms ≤ 1.6e-3, all parameters after the steps ≤ 1.6e-4, one tensor's change ≤ 0.095
 * (AdamW's first steps move a weight by ~lr·sign(g): rounding flips the sign of near-zero
 * gradients). Tolerances: about 3× those, so a real error (a wrong cast, a lost loss scale:
 * errors of 1e-1 and more) fails.
 */
export const MIXED_TOLERANCE = { value: 5e-3, paramsAfter: 5e-4, paramDelta: 0.3 } as const;

interface FixtureInputs {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids?: number[][];
  labels?: number[] | number[][];
  start_positions?: number[];
  end_positions?: number[];
  adamw: { steps: number; lr: number; weight_decay: number; betas: [number, number]; eps: number; warmup_steps: number; total_steps: number; max_grad_norm: number };
}

export interface ParityResult {
  /** parity.json: the keys of expected.json that the engine computes. */
  report: Record<string, unknown>;
  /** Parameters after the K steps, HF names. */
  after: Map<string, TensorData>;
  /** Max relative error per quantity; null where the fixture has no such quantity. */
  errors: Record<string, number>;
  tolerances: Record<string, number>;
  pass: boolean;
  /** The execution provider every session of the check ran on. */
  device: Device;
  /** Devices other than the CPU: where ORT ran the nodes of the check's sessions. */
  placement?: Placement;
}

export function headFromConfig(config: ModelConfig, arch: string): HeadSpec {
  const numLabels = config.labels.length || 2;
  if (arch.endsWith('ForSequenceClassification')) return { kind: 'sequence-classification', numLabels, multiLabel: config.problemType === 'multi_label_classification' };
  if (arch.endsWith('ForTokenClassification')) return { kind: 'token-classification', numLabels };
  if (arch.endsWith('ForQuestionAnswering')) return { kind: 'question-answering' };
  throw new ModelFormatError(`Architecture ${arch} has no matching head; expected *ForSequenceClassification, *ForTokenClassification or *ForQuestionAnswering.`);
}

function toBatch(inp: FixtureInputs, head: HeadSpec): Batch {
  const b = inp.input_ids.length;
  const s = inp.input_ids[0].length;
  const ints = (rows: number[][] | number[]) => BigInt64Array.from(rows.flat(), (x) => BigInt(x));
  const batch: Batch = { batch: b, seq: s, inputIds: ints(inp.input_ids), attentionMask: ints(inp.attention_mask) };
  if (inp.token_type_ids) batch.tokenTypeIds = ints(inp.token_type_ids);
  if (inp.labels) batch.labels = head.kind === 'sequence-classification' && head.multiLabel ? Float32Array.from(inp.labels.flat()) : ints(inp.labels);
  if (inp.start_positions) batch.startPositions = ints(inp.start_positions);
  if (inp.end_positions) batch.endPositions = ints(inp.end_positions);
  return batch;
}

/** HF's linear schedule with warmup; s is the 0-based step. */
export function linearLr(lr: number, s: number, warmup: number, total: number): number {
  return s < warmup ? (lr * s) / warmup : lr * Math.max(0, (total - s) / (total - warmup));
}

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return a.length !== b.length ? Infinity : den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

function l2(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

async function hiddenStateNorms(config: ModelConfig, head: HeadSpec, params: Map<string, TensorData>, batch: Batch, device: Device, precision: 'fp32' | 'fp16'): Promise<number[]> {
  const fwd = buildForward(config, head, { withLoss: false, training: false, allStates: true, bake: (name) => params.get(name)!.data, compute: precision === 'fp16' ? 'float16' : 'float32' });
  fwd.states.forEach((s, i) => fwd.g.output(o.cast(s, 'float32'), `state.${i}`));
  const feeds = inputFeeds(batch, FAMILIES[config.modelType].tokenTypes);
  let out: Record<string, HostTensor>;
  if (device === 'cpu') {
    const session = await createSession(serialize(fwd.g), { device });
    out = await session.run(feeds);
    await session.release();
  } else {
    // As the device-resident model runs: static shapes, batch arithmetic on the host.
    const session = await openStatic(fwd.g, { batch: batch.batch, seq: batch.seq }, device);
    out = (await runStatic(session, feeds)).host;
    await releaseStatic(session);
  }
  return fwd.states.map((_, i) => l2(out[`state.${i}`].data as Float32Array));
}

/**
 * Runs the check with every session on `device` (default CPU). On another device the sessions
 * are profiled, so the result says which nodes ORT ran on the CPU instead (never silently).
 */
export async function runParity(dir: string, opts: { device?: Device; precision?: 'fp32' | 'fp16' } = {}): Promise<ParityResult> {
  const device = opts.device ?? 'cpu';
  const precision = opts.precision ?? 'fp32';
  if (device === 'cpu') return { ...(await parityOn(dir, device, precision)), device };
  const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-parity-'));
  try {
    const result = await withProfiles(profiles, () => parityOn(dir, device, precision));
    return { ...result, device, placement: readPlacement(profiles, device) };
  } finally {
    fs.rmSync(profiles, { recursive: true, force: true });
  }
}

async function parityOn(dir: string, device: Device, precision: 'fp32' | 'fp16'): Promise<Omit<ParityResult, 'device' | 'placement'>> {
  const folder = loadModelFolder(dir);
  const readJson = (f: string) => {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new ModelFormatError(`${file} is missing; a parity fixture needs inputs.json and expected.json.`);
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  };
  const inputs = readJson('inputs.json') as FixtureInputs;
  const expected = readJson('expected.json') as Record<string, unknown> & { grad_norms: Record<string, number | null>; grad_norm_total: number; adamw: Record<string, unknown> };
  const arch = String(expected.arch ?? (folder.config.raw.architectures as string[] | undefined)?.[0] ?? '');
  const head = headFromConfig(folder.config, arch);
  const batch = toBatch(inputs, head);
  const a = inputs.adamw;
  const adamw: AdamWConfig = { betas: a.betas, eps: a.eps, weightDecay: a.weight_decay, maxGradNorm: a.max_grad_norm };
  const model = openEngineModel(folder.config, head, folder.weights, adamw, {}, device, precision);
  const before = model.parameters();
  try {
    const fwd = await model.forward(batch);
    const report: Record<string, unknown> = { arch, model_type: folder.config.modelType, batch: [batch.batch, batch.seq], loss: fwd.loss };
    if (fwd.logits) report.logits = Array.from(fwd.logits);
    if (fwd.startLogits) report.start_logits = Array.from(fwd.startLogits);
    if (fwd.endLogits) report.end_logits = Array.from(fwd.endLogits);
    report.hidden_state_norms = await hiddenStateNorms(folder.config, head, before, batch, device, precision);
    const steps = { loss_before_step: [] as number[], lr_per_step: [] as number[], grad_norm_per_step: [] as number[], clip_coef_per_step: [] as number[] };
    for (let s = 0; s < a.steps; s++) {
      const lr = linearLr(a.lr, s, a.warmup_steps, a.total_steps);
      const res = await model.stepDetailed(batch, { lr, step: s + 1, seed: 0, dropout: false }, s === 0);
      if (s === 0 && res.grads) {
        const norms: Record<string, number | null> = {};
        for (const name of before.keys()) norms[name] = res.grads.has(name) ? l2(res.grads.get(name)!) : null;
        report.grad_norms = norms;
        report.grad_norm_total = res.gradNorm;
      }
      steps.loss_before_step.push(res.loss);
      steps.lr_per_step.push(lr);
      steps.grad_norm_per_step.push(res.gradNorm);
      steps.clip_coef_per_step.push(a.max_grad_norm > 0 ? Math.min(1, a.max_grad_norm / (res.gradNorm + 1e-6)) : 1);
    }
    const final = await model.forward(batch);
    await model.syncToHost();
    const after = model.parameters();
    report.adamw = { ...steps, final_loss: final.loss, final_logits: final.logits ? Array.from(final.logits) : undefined };
    const errors = compare(report, expected, before, after, readSafetensors(path.join(dir, 'expected_after.safetensors')));
    const tolerances: Record<string, number> = {};
    const tol = precision === 'fp16' ? MIXED_TOLERANCE : TOLERANCE;
    for (const k of Object.keys(errors)) tolerances[k] = k === 'params_after' ? tol.paramsAfter : k === 'param_delta' ? tol.paramDelta : tol.value;
    const pass = Object.keys(errors).every((k) => errors[k] <= tolerances[k]);
    return { report, after, errors, tolerances, pass };
  } finally {
    await model.dispose();
  }
}

function compare(
  got: Record<string, unknown>,
  want: Record<string, unknown> & { grad_norms: Record<string, number | null>; grad_norm_total: number; adamw: Record<string, unknown> },
  before: Map<string, TensorData>,
  after: Map<string, TensorData>,
  wantAfter: Map<string, TensorData>,
): Record<string, number> {
  const errors: Record<string, number> = {};
  const flat = (x: unknown): number[] => (Array.isArray(x) ? (x.flat(3) as number[]) : [Number(x)]);
  for (const k of ['logits', 'start_logits', 'end_logits', 'loss', 'hidden_state_norms']) if (want[k] !== undefined && want[k] !== null) errors[k] = rel(flat(got[k]), flat(want[k]));
  // Gradients that are zero in exact arithmetic (key biases) are rounding noise: not compared.
  const floor = 1e-6 * want.grad_norm_total;
  const gotNorms = got.grad_norms as Record<string, number | null>;
  const zero = new Set<string>();
  let worst = 0;
  for (const [name, w] of Object.entries(want.grad_norms)) {
    if (w === null || w < floor) {
      zero.add(name);
      continue;
    }
    const gv = gotNorms[name];
    worst = Math.max(worst, gv === null || gv === undefined ? Infinity : Math.abs(gv - w) / w);
  }
  errors.grad_norms = worst;
  errors.grad_norm_total = Math.abs((got.grad_norm_total as number) - want.grad_norm_total) / want.grad_norm_total;
  const ga = got.adamw as Record<string, unknown>;
  for (const k of ['loss_before_step', 'grad_norm_per_step', 'final_loss']) errors[`adamw.${k}`] = rel(flat(ga[k]), flat(want.adamw[k]));
  // All parameters after the steps together, and each parameter's change on its own.
  const names = [...wantAfter.keys()].filter((n) => after.has(n));
  if (names.length !== wantAfter.size) errors.params_after = Infinity;
  else errors.params_after = rel(names.flatMap((n) => Array.from(after.get(n)!.data)), names.flatMap((n) => Array.from(wantAfter.get(n)!.data)));
  let delta = 0;
  for (const n of names) {
    if (zero.has(n)) continue;
    const b = before.get(n)!.data;
    const d = (x: Float32Array) => Array.from(x, (v, i) => v - b[i]);
    delta = Math.max(delta, rel(d(after.get(n)!.data), d(wantAfter.get(n)!.data)));
  }
  errors.param_delta = delta;
  return errors;
}
