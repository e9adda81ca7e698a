// Hugging Face config.json → one normalized ModelConfig. Every family's key spelling
// (BERT's hidden_size, DistilBERT's dim, …) is mapped here and nowhere else.

export type ModelType = 'bert' | 'distilbert' | 'roberta';
export const MODEL_TYPES: readonly ModelType[] = ['bert', 'distilbert', 'roberta'];

export interface ModelConfig {
  readonly modelType: ModelType;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly maxPositions: number;
  /** 0 when the family has no token-type embeddings (DistilBERT). */
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  /** Dropout before the classification head (HF: classifier_dropout ?? hidden_dropout_prob; DistilBERT: seq_classif_dropout). */
  readonly classifierDropout: number;
  /** DistilBERT's qa_dropout; 0 for BERT and RoBERTa, whose QA heads have no dropout. */
  readonly qaDropout: number;
  /** Dropout before a per-token classifier: DistilBERT uses `dropout`, the others classifier_dropout ?? hidden_dropout_prob. */
  readonly tokenClassifierDropout: number;
  readonly padTokenId: number;
  readonly initializerRange: number;
  readonly problemType?: 'single_label_classification' | 'multi_label_classification' | 'regression';
  /** Labels named in config.json (id2label), in id order; empty when absent. */
  readonly labels: readonly string[];
  /** The config.json object as read, so exports can write it back unchanged plus our edits. */
  readonly raw: Readonly<Record<string, unknown>>;
}

const PROBLEM_TYPES = ['single_label_classification', 'multi_label_classification', 'regression'] as const;

/** A model folder or config that cannot be used; the message names the file and what to do. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

function numberKey(raw: Record<string, unknown>, file: string, keys: string[], fallback?: number): number {
  for (const k of keys) {
    const v = raw[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (v !== undefined && v !== null) throw new ModelFormatError(`${file}: "${k}" must be a number, got ${JSON.stringify(v)}.`);
  }
  if (fallback !== undefined) return fallback;
  throw new ModelFormatError(`${file} has no "${keys[0]}"; a Hugging Face config.json for this model type needs it.`);
}

function labelsOf(raw: Record<string, unknown>): string[] {
  const id2label = raw.id2label;
  if (!id2label || typeof id2label !== 'object') return [];
  const entries = Object.entries(id2label as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)] as const);
  entries.sort((a, b) => a[0] - b[0]);
  return entries.map((e) => e[1]);
}

/** Normalizes a parsed config.json (`file` is named in errors). */
export function parseConfig(json: unknown, file: string): ModelConfig {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ModelFormatError(`${file} is not a JSON object; expected a Hugging Face config.json.`);
  const raw = json as Record<string, unknown>;
  if (typeof raw.model_type !== 'string') throw new ModelFormatError(`${file} has no "model_type"; expected one of ${MODEL_TYPES.join(', ')}.`);
  const modelType = MODEL_TYPES.find((m) => m === raw.model_type);
  if (!modelType) throw new ModelFormatError(`Unsupported model type: ${String(raw.model_type)}`);
  const act = raw.hidden_act ?? raw.activation ?? 'gelu';
  if (act !== 'gelu') throw new ModelFormatError(`${file}: activation "${String(act)}" is not supported; only "gelu" (exact erf) is.`);
  const problemType = PROBLEM_TYPES.find((p) => p === raw.problem_type);
  const common = {
    labels: labelsOf(raw),
    raw,
    initializerRange: numberKey(raw, file, ['initializer_range'], 0.02),
    ...(problemType ? { problemType } : {}),
  };
  if (modelType === 'distilbert') {
    if (raw.sinusoidal_pos_embds === true) throw new ModelFormatError(`${file}: sinusoidal position embeddings are not supported; use a DistilBERT with learned positions.`);
    const dropout = numberKey(raw, file, ['dropout'], 0.1);
    return {
      modelType,
      vocabSize: numberKey(raw, file, ['vocab_size']),
      hiddenSize: numberKey(raw, file, ['dim', 'hidden_size']),
      numLayers: numberKey(raw, file, ['n_layers', 'num_hidden_layers']),
      numHeads: numberKey(raw, file, ['n_heads', 'num_attention_heads']),
      intermediateSize: numberKey(raw, file, ['hidden_dim', 'intermediate_size']),
      maxPositions: numberKey(raw, file, ['max_position_embeddings'], 512),
      typeVocabSize: 0,
      layerNormEps: 1e-12, // DistilBERT hard-codes eps=1e-12 in its modeling code
      hiddenDropout: dropout,
      attentionDropout: numberKey(raw, file, ['attention_dropout'], 0.1),
      classifierDropout: numberKey(raw, file, ['seq_classif_dropout'], 0.2),
      qaDropout: numberKey(raw, file, ['qa_dropout'], 0.1),
      tokenClassifierDropout: dropout,
      padTokenId: numberKey(raw, file, ['pad_token_id'], 0),
      ...common,
    };
  }
  const hiddenDropout = numberKey(raw, file, ['hidden_dropout_prob'], 0.1);
  const pet = raw.position_embedding_type;
  if (pet !== undefined && pet !== 'absolute') throw new ModelFormatError(`${file}: position_embedding_type "${String(pet)}" is not supported; only "absolute" is.`);
  return {
    modelType,
    vocabSize: numberKey(raw, file, ['vocab_size']),
    hiddenSize: numberKey(raw, file, ['hidden_size']),
    numLayers: numberKey(raw, file, ['num_hidden_layers']),
    numHeads: numberKey(raw, file, ['num_attention_heads']),
    intermediateSize: numberKey(raw, file, ['intermediate_size']),
    maxPositions: numberKey(raw, file, ['max_position_embeddings'], 512),
    typeVocabSize: numberKey(raw, file, ['type_vocab_size'], 2),
    layerNormEps: numberKey(raw, file, ['layer_norm_eps'], 1e-12),
    hiddenDropout,
    attentionDropout: numberKey(raw, file, ['attention_probs_dropout_prob'], 0.1),
    classifierDropout: numberKey(raw, file, ['classifier_dropout'], hiddenDropout),
    qaDropout: 0, // BertForQuestionAnswering / RobertaForQuestionAnswering apply no dropout before qa_outputs
    tokenClassifierDropout: numberKey(raw, file, ['classifier_dropout'], hiddenDropout),
    padTokenId: numberKey(raw, file, ['pad_token_id'], modelType === 'roberta' ? 1 : 0),
    ...common,
  };
}

/** Checks what the graphs rely on (heads divide hidden, positive sizes). */
export function validateConfig(c: ModelConfig, file: string): void {
  for (const [k, v] of Object.entries({ vocabSize: c.vocabSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, numHeads: c.numHeads, intermediateSize: c.intermediateSize })) {
    if (!Number.isInteger(v) || v <= 0) throw new ModelFormatError(`${file}: ${k} must be a positive whole number, got ${v}.`);
  }
  if (c.hiddenSize % c.numHeads !== 0) throw new ModelFormatError(`${file}: hidden size ${c.hiddenSize} is not divisible by the ${c.numHeads} attention heads.`);
}
