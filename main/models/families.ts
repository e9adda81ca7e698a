// Model families as data: model_type → encoder builder, parameter prefix, tokenizer kind,
// which inputs the graph takes, and the names of each head's parameters.
import type { HeadSpec } from './types.ts';
import type { ModelType } from './config.ts';
import type { BuildContext } from './graph/context.ts';
import { bertEncoder, distilbertEncoder, type EncoderInputs, type EncoderOutput } from './graph/encoders.ts';

export interface Family {
  /** Prefix of encoder parameter names, e.g. 'bert' in bert.embeddings.word_embeddings.weight. */
  readonly prefix: string;
  readonly encoder: (ctx: BuildContext, prefix: string, inp: EncoderInputs) => EncoderOutput;
  readonly tokenizer: 'wordpiece' | 'byte-level-bpe';
  /** Whether token_type_ids is a graph input (and an ONNX export input). */
  readonly tokenTypes: boolean;
  /** Parameter-name prefixes of each head (used to tell head from encoder weights). */
  readonly headParams: Readonly<Record<HeadSpec['kind'], readonly string[]>>;
}

export const FAMILIES: Readonly<Record<ModelType, Family>> = {
  bert: {
    prefix: 'bert',
    encoder: bertEncoder,
    tokenizer: 'wordpiece',
    tokenTypes: true,
    headParams: {
      'sequence-classification': ['bert.pooler.dense', 'classifier'],
      'token-classification': ['classifier'],
      'question-answering': ['qa_outputs'],
      'joint-intent-slots': ['bert.pooler.dense', 'intent_classifier', 'slot_classifier'],
    },
  },
  roberta: {
    prefix: 'roberta',
    encoder: bertEncoder,
    tokenizer: 'byte-level-bpe',
    tokenTypes: false,
    headParams: {
      'sequence-classification': ['classifier.dense', 'classifier.out_proj'],
      'token-classification': ['classifier'],
      'question-answering': ['qa_outputs'],
      'joint-intent-slots': ['classifier.dense', 'intent_classifier', 'slot_classifier'],
    },
  },
  distilbert: {
    prefix: 'distilbert',
    encoder: distilbertEncoder,
    tokenizer: 'wordpiece',
    tokenTypes: false,
    headParams: {
      'sequence-classification': ['pre_classifier', 'classifier'],
      'token-classification': ['classifier'],
      'question-answering': ['qa_outputs'],
      'joint-intent-slots': ['pre_classifier', 'intent_classifier', 'slot_classifier'],
    },
  },
};

/** True when `name` is one of `head`'s own parameters (not the encoder's). */
export function isHeadParam(type: ModelType, head: HeadSpec, name: string): boolean {
  return FAMILIES[type].headParams[head.kind].some((p) => name === p || name.startsWith(`${p}.`));
}

/** HF's Trainer grouping: no weight decay on biases and LayerNorm weights. */
export function decays(name: string): boolean {
  return !(name.endsWith('.bias') || /layer_?norm/i.test(name));
}
