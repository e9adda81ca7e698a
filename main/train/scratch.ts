import type { TaskName } from '../tasks/types.ts';
import type { ScratchSize } from './presets.ts';

/** Encoder sizes for from-scratch models (the engine's bench sizes, BERT layout). */
export const SCRATCH_SIZES: Record<ScratchSize, { layers: number; hidden: number; heads: number; intermediate: number }> = {
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024 },
  small: { layers: 4, hidden: 512, heads: 8, intermediate: 2048 },
};

/**
 * Dropout of a from-scratch model by task, measured on the shared datasets (tiny, lr 1e-3,
 * batch 32, one seed each). Text classification takes BERT's 0.1: on banking77, 0.05 for 20
 * epochs peaked at validation 0.837 / test 0.842, 0.1 for 30 epochs reached 0.855 / 0.853.
 * Token-level tasks keep 0.05: on snips (intent + slots), 0.1 gave test slot F1 0.805 against
 * 0.834 — the slot tagger underfits. NER and QA were not measured and share the token-level value.
 */
export function scratchDropout(task: TaskName): number {
  return task === 'classification' ? 0.1 : 0.05;
}

/** A Hugging Face BERT config.json for a from-scratch model over a vocabulary of `vocabSize`. */
export function scratchBertConfig(size: ScratchSize, vocabSize: number, maxPositions = 512, dropout = 0.1): Record<string, unknown> {
  const s = SCRATCH_SIZES[size];
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: vocabSize,
    hidden_size: s.hidden,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.intermediate,
    hidden_act: 'gelu',
    hidden_dropout_prob: dropout,
    attention_probs_dropout_prob: dropout,
    max_position_embeddings: maxPositions,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  };
}
