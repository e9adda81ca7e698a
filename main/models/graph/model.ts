// Whole model as a graph: batch inputs → encoder → head (→ loss). The same builder serves the
// training step (parameters are graph inputs, dropout on) and eval/export (parameters may be
// initializers, dropout off).
import type { HeadSpec } from '../types.ts';
import { Graph, type Dim, type Value } from '../../graph/ir.ts';
import * as o from '../../graph/ops.ts';
import type { ModelConfig } from '../config.ts';
import { FAMILIES } from '../families.ts';
import type { BuildContext } from './context.ts';
import type { WordLookup } from './encoders.ts';
import { dropoutMask, siteKey } from './dropout.ts';
import { buildHead, type HeadTargets } from './heads.ts';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface ForwardGraph {
  readonly g: Graph;
  /** Parameters in the order the graph first used them. */
  readonly params: ParamSpec[];
  readonly paramValues: Map<string, Value>;
  readonly outputs: Record<string, Value>;
  readonly loss?: Value;
  /** Embedding output and each layer's output [N, H]. */
  readonly states: Value[];
  /** Names of the batch inputs the graph declares. */
  readonly batchInputs: string[];
  /** The word-embedding lookup (table name, ids, gathered rows). */
  readonly wordLookup: WordLookup;
  /** Dropout sites in the graph (the length of 'dropout_keys' with keysInput). */
  readonly dropoutSites: number;
}

export interface ForwardOptions {
  /** Declare label inputs and build the loss. */
  withLoss: boolean;
  /** Dropout on, keyed by int64 scalar inputs 'seed' and 'step'. */
  training: boolean;
  /** Parameter values: present → baked as initializers (export); absent → graph inputs. */
  bake?: (name: string, shape: readonly number[]) => Float32Array;
  name?: string;
  /**
   * Where parameter values come from instead of graph inputs (the device-resident step slices
   * them out of flat buffers). Ignored for names `bake` covers.
   */
  paramSource?: (g: Graph, name: string, shape: readonly number[]) => Value;
  /**
   * Dropout keys as the int32 input 'dropout_keys' [dropout_sites] (siteKeysHost) instead of
   * int64 'seed' and 'step' inputs: no int64 arithmetic left for a GPU provider to put on the CPU.
   */
  keysInput?: boolean;
  /**
   * Mixed precision: the encoder (embeddings and layers) computes in float16 from float32 master
   * weights cast on the way in; the head, the loss and every optimizer quantity stay float32.
   */
  compute?: 'float32' | 'float16';
  /** Keep every layer's full [N, H] output (diagnostics); otherwise sequence classification runs its last layer on the first token only. */
  allStates?: boolean;
}

const BS: Dim[] = ['batch', 'seq'];

/** Weights of the embeddings and encoder layers (every family): the ones mixed precision runs in float16. */
const ENCODER_PARAM = /(^|\.)(embeddings|encoder|transformer)\./;

export function labelInputs(g: Graph, head: HeadSpec): HeadTargets {
  switch (head.kind) {
    case 'sequence-classification':
      return { labels: head.multiLabel ? g.input('labels', 'float32', ['batch', head.numLabels]) : g.input('labels', 'int64', ['batch']) };
    case 'token-classification':
      return { labels: g.input('labels', 'int64', BS) };
    case 'question-answering':
      return { startPositions: g.input('start_positions', 'int64', ['batch']), endPositions: g.input('end_positions', 'int64', ['batch']) };
    case 'joint-intent-slots':
      return { labels: g.input('labels', 'int64', ['batch']), slotLabels: g.input('slot_labels', 'int64', BS) };
  }
}

export function buildForward(cfg: ModelConfig, head: HeadSpec, opts: ForwardOptions): ForwardGraph {
  const g = new Graph(opts.name ?? `${cfg.modelType}-${head.kind}`);
  const family = FAMILIES[cfg.modelType];
  const inputIds = g.input('input_ids', 'int64', BS);
  const attentionMask = g.input('attention_mask', 'int64', BS);
  const tokenTypeIds = family.tokenTypes ? g.input('token_type_ids', 'int64', BS) : undefined;
  const targets = opts.withLoss ? labelInputs(g, head) : {};
  const seed = opts.training && !opts.keysInput ? g.input('seed', 'int64', []) : undefined;
  const step = opts.training && !opts.keysInput ? g.input('step', 'int64', []) : undefined;
  // Declared at the first dropout site: a model with every dropout probability 0 takes no keys.
  let keys: Value | undefined;
  const keyInput = (): Value => (keys ??= g.input('dropout_keys', 'int32', ['dropout_sites']));
  const params: ParamSpec[] = [];
  const paramValues = new Map<string, Value>();
  let site = 0;
  const dtype = opts.compute ?? 'float32';
  // The half-precision copy of an encoder weight, made once per graph (its gradient is cast back to float32).
  const halves = new Map<string, Value>();
  const ctx: BuildContext = {
    g,
    cfg,
    dtype,
    batchSeq: o.shapeOf(inputIds),
    param(name, shape) {
      const have = paramValues.get(name);
      if (have) return dtype === 'float16' && ENCODER_PARAM.test(name) ? (halves.get(name) ?? have) : have;
      const v = opts.bake ? g.initializer(name, { dtype: 'float32', shape, data: opts.bake(name, shape) }) : opts.paramSource ? opts.paramSource(g, name, shape) : g.input(name, 'float32', shape);
      params.push({ name, shape });
      paramValues.set(name, v);
      if (dtype === 'float16' && ENCODER_PARAM.test(name)) {
        const half = o.cast(v, 'float16');
        halves.set(name, half);
        return half;
      }
      return v;
    },
    dropout(x, p) {
      if (p <= 0) return x;
      if (opts.training && opts.keysInput) return dropoutMask(x, p, o.gather(keyInput(), g.scalar(site++, 'int64')));
      if (!seed || !step) return x;
      return dropoutMask(x, p, siteKey(seed, step, site++));
    },
  };
  const firstTokenOnly = head.kind === 'sequence-classification' && !opts.allStates;
  const enc = family.encoder(ctx, family.prefix, { inputIds, attentionMask, firstTokenOnly, ...(tokenTypeIds ? { tokenTypeIds } : {}) });
  // The head runs in float32 on the encoder's output, as autocast keeps losses in float32.
  const headCtx: BuildContext = dtype === 'float32' ? ctx : { ...ctx, dtype: 'float32' };
  const res = buildHead(headCtx, family.prefix, head, o.cast(enc.hidden, 'float32'), targets, enc.firstTokenOnly);
  const batchInputs = g.inputs.filter((v) => !paramValues.has(v.name)).map((v) => v.name);
  return { g, params, paramValues, outputs: res.outputs, ...(res.loss ? { loss: res.loss } : {}), states: enc.states, batchInputs, wordLookup: enc.wordLookup, dropoutSites: site };
}
