import type { HeadSpec, ModelConfig } from '../engine/api.ts';

const ARCH_SUFFIX: Record<HeadSpec['kind'], string> = {
  'sequence-classification': 'ForSequenceClassification',
  'token-classification': 'ForTokenClassification',
  'question-answering': 'ForQuestionAnswering',
  // Not a transformers class: intent + slot heads share one encoder. Loaders that do not know
  // it still read the encoder; our own loader reads both heads.
  'joint-intent-slots': 'ForJointIntentAndSlots',
};

const FAMILY_NAME: Record<ModelConfig['modelType'], string> = { bert: 'Bert', distilbert: 'DistilBert', roberta: 'Roberta' };

/** The `architectures` entry transformers' Auto classes use to pick the model class. */
export function architectureName(config: ModelConfig, head: HeadSpec): string {
  return FAMILY_NAME[config.modelType] + ARCH_SUFFIX[head.kind];
}

/**
 * The config.json of a trained model: the base config unchanged, plus the architecture, the
 * label maps and, for multi-label, `problem_type` so transformers picks the BCE loss.
 * `slotLabels` are kept under a key of our own for joint intent models.
 */
export function trainedConfig(config: ModelConfig, head: HeadSpec, labels: readonly string[], slotLabels: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config.raw, architectures: [architectureName(config, head)] };
  if (head.kind !== 'question-answering') {
    out.id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
    out.label2id = Object.fromEntries(labels.map((l, i) => [l, i]));
  } else {
    delete out.id2label;
    delete out.label2id;
  }
  if (head.kind === 'sequence-classification') out.problem_type = head.multiLabel ? 'multi_label_classification' : 'single_label_classification';
  if (head.kind === 'joint-intent-slots') out.bert_studio_slot_labels = [...slotLabels];
  return out;
}
