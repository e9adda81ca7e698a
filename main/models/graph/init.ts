// Weight initialization like HF's _init_weights: Linear and Embedding weights ~ N(0, σ) with
// σ = initializer_range, biases 0, LayerNorm weight 1 / bias 0, the padding row zeroed.
import type { HeadSpec, TensorData } from '../types.ts';
import type { ModelConfig } from '../config.ts';
import { FAMILIES, isHeadParam } from '../families.ts';
import { buildForward, type ParamSpec } from './model.ts';

/** Deterministic normal samples (xorshift32 + Box-Muller). */
function normalSampler(seed: number): () => number {
  let s = (seed >>> 0) ^ 0x9e3779b9 || 1;
  const uniform = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function paramSpecs(config: ModelConfig, head: HeadSpec): ParamSpec[] {
  return buildForward(config, head, { withLoss: false, training: false }).params;
}

function initOne(config: ModelConfig, spec: ParamSpec, normal: () => number): TensorData {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const isNorm = /layer_?norm/i.test(spec.name);
  if (isNorm && spec.name.endsWith('.weight')) data.fill(1);
  else if (!spec.name.endsWith('.bias') && !isNorm) {
    const sd = config.initializerRange;
    for (let i = 0; i < n; i++) data[i] = normal() * sd;
    const prefix = FAMILIES[config.modelType].prefix;
    if (spec.name === `${prefix}.embeddings.word_embeddings.weight` || (config.modelType === 'roberta' && spec.name === `${prefix}.embeddings.position_embeddings.weight`)) {
      const h = spec.shape[1];
      data.fill(0, config.padTokenId * h, (config.padTokenId + 1) * h);
    }
  }
  return { dtype: 'float32', shape: [...spec.shape], data };
}

/** Fresh weights for the head's own parameters only (HF names), e.g. for a pretrained encoder. */
export function initHeadWeights(config: ModelConfig, head: HeadSpec, seed: number): Map<string, TensorData> {
  const normal = normalSampler(seed);
  const out = new Map<string, TensorData>();
  for (const spec of paramSpecs(config, head)) if (isHeadParam(config.modelType, head, spec.name)) out.set(spec.name, initOne(config, spec, normal));
  return out;
}

/** A whole randomly initialized model (training from scratch, benchmarks). */
export function randomInitWeights(config: ModelConfig, head: HeadSpec, seed: number): Map<string, TensorData> {
  const normal = normalSampler(seed);
  return new Map(paramSpecs(config, head).map((spec) => [spec.name, initOne(config, spec, normal)]));
}
