// Intent detection: intent classification and, when the data has slot tags, joint slot filling
// on the same encoder (head 'joint-intent-slots', losses summed by the engine). An optional
// out-of-scope threshold, tuned on validation, turns low-confidence predictions into
// `out_of_scope`. Slot F1 uses seqeval's default mode, as the snips benchmark numbers do.
import type { Tokenizer } from '../text/index.ts';
import { seqevalScores } from './metrics/seqeval.ts';
import { spansOf, tagSet, type EntitySpan } from './ner.ts';
import { alignWordLabels, argmax, gatherRows, softmax, wordTags } from './outputs.ts';
import type { BatchOutputs, ClassScores, DecodeOptions, Feature, FeatureOptions, IntentExample, LabelSet, MetricsReport, TaskModule, ThresholdChoice } from './types.ts';

export const OUT_OF_SCOPE = 'out_of_scope';

/** Datasets name the out-of-scope intent 'out_of_scope' (ours) or 'oos' (CLINC150). */
export function isOutOfScope(intent: string): boolean {
  return intent === OUT_OF_SCOPE || intent === 'oos';
}

export interface IntentPrediction {
  /** Predicted intent, or `out_of_scope` when confidence is below the threshold. */
  intent: string;
  /** Top softmax probability (before the threshold is applied). */
  confidence: number;
  /** The model's best intent, ignoring the threshold. */
  topIntent: string;
  /** One slot tag per word when the model has a slot head. */
  slots?: string[];
  entities?: EntitySpan[];
}

export interface IntentDetails {
  perSlot: ClassScores[];
}

/** The words slots refer to: the example's tokens, or its text split on whitespace. */
function wordsOf(ex: IntentExample): string[] {
  return ex.tokens ?? ex.text.split(/\s+/u).filter(Boolean);
}

function labelSet(examples: readonly IntentExample[]): LabelSet {
  const names = [...new Set(examples.map((e) => e.intent))].sort();
  const withSlots = examples.filter((e) => e.slots && e.slots.length > 0);
  return withSlots.length > 0 ? { names, slots: tagSet(withSlots.map((e) => e.slots ?? [])) } : { names };
}

function features(examples: readonly IntentExample[], tokenizer: Tokenizer, o: FeatureOptions): Feature[] {
  const intents = new Map(o.labels.names.map((n, i) => [n, i]));
  const slotIds = new Map((o.labels.slots ?? []).map((n, i) => [n, i]));
  const joint = (o.labels.slots ?? []).length > 0;
  const maxLength = o.maxLength ?? tokenizer.modelMaxLength;
  return examples.map((ex, example) => {
    const label = intents.get(ex.intent) ?? -100;
    if (!joint) {
      const e = tokenizer.encode(ex.text, { maxLength });
      return { example, inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.tokenTypeIds, wordIds: e.wordIds, label };
    }
    const words = wordsOf(ex);
    if (ex.slots && ex.slots.length !== words.length) throw new Error(`Example ${example + 1} has ${words.length} words but ${ex.slots.length} slot tags.`);
    const e = tokenizer.encodeWords(words, { maxLength });
    // An example without slot tags trains the intent only: all its slot targets are ignored.
    const wordLabels = ex.slots ? ex.slots.map((t) => slotIds.get(t) ?? -100) : words.map(() => -100);
    return { example, inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.tokenTypeIds, wordIds: e.wordIds, label, tokenLabels: alignWordLabels(e.wordIds, wordLabels) };
  });
}

function decode(examples: readonly IntentExample[], feats: readonly Feature[], outputs: readonly BatchOutputs[], o: DecodeOptions): IntentPrediction[] {
  const names = o.labels.names;
  const slots = o.labels.slots ?? [];
  const logits = gatherRows(feats.length, outputs, 'logits', names.length, false);
  const slotRows = slots.length > 0 ? gatherRows(feats.length, outputs, 'slotLogits', slots.length, true) : null;
  const preds: IntentPrediction[] = new Array<IntentPrediction>(examples.length);
  feats.forEach((f, i) => {
    const probs = softmax(logits[i]);
    const best = argmax(probs);
    const p: IntentPrediction = { intent: names[best], confidence: probs[best], topIntent: names[best] };
    if (o.oosThreshold !== undefined && probs[best] < o.oosThreshold) p.intent = OUT_OF_SCOPE;
    if (slotRows) {
      const words = wordsOf(examples[f.example]);
      p.slots = wordTags(slotRows[i], f.wordIds, slots, words.length);
      p.entities = spansOf(words, p.slots, 'default');
    }
    preds[f.example] = p;
  });
  return preds;
}

const sameIntent = (a: string, b: string): boolean => a === b || (isOutOfScope(a) && isOutOfScope(b));

function metrics(preds: readonly IntentPrediction[], gold: readonly IntentExample[]): MetricsReport<IntentDetails> {
  if (preds.length !== gold.length) throw new Error(`${gold.length} examples but ${preds.length} predictions.`);
  const n = gold.length;
  const intentOk = gold.map((g, i) => sameIntent(preds[i].intent, g.intent));
  const m: Record<string, number> = { intent_accuracy: n === 0 ? 0 : intentOk.filter(Boolean).length / n };
  let perSlot: ClassScores[] = [];
  const slotted = gold.map((g, i) => i).filter((i) => gold[i].slots && preds[i].slots);
  if (slotted.length > 0) {
    const s = seqevalScores(
      slotted.map((i) => gold[i].slots ?? []),
      slotted.map((i) => preds[i].slots ?? []),
      'default',
    );
    Object.assign(m, { slot_f1: s.f1, slot_precision: s.precision, slot_recall: s.recall });
    perSlot = s.perType;
    // Sentence-level (semantic frame) accuracy: intent right and every slot tag right.
    const exact = gold.filter((g, i) => intentOk[i] && (!g.slots || (preds[i].slots ?? []).every((t, k) => t === g.slots?.[k]))).length;
    m.sentence_accuracy = exact / n;
  }
  const oos = gold.map((g, i) => i).filter((i) => isOutOfScope(gold[i].intent));
  if (oos.length > 0) m.oos_recall = oos.filter((i) => isOutOfScope(preds[i].intent)).length / oos.length;
  return { metrics: m, details: { perSlot } };
}

function applyThreshold(preds: readonly IntentPrediction[], threshold: number): IntentPrediction[] {
  return preds.map((p) => ({ ...p, intent: p.confidence < threshold ? OUT_OF_SCOPE : p.topIntent }));
}

/**
 * The out-of-scope confidence threshold (0, 0.05, …, 0.95) with the best intent accuracy on
 * validation, where out-of-scope examples count as right only when rejected. Without
 * out-of-scope examples every threshold above 0 can only lose, so 0 (off) wins. Ties: lower.
 */
function tuneThreshold(preds: readonly IntentPrediction[], gold: readonly IntentExample[]): ThresholdChoice {
  let best: ThresholdChoice = { threshold: 0, score: -1 };
  for (let k = 0; k <= 19; k++) {
    const threshold = k / 20;
    const score = metrics(applyThreshold(preds, threshold), gold).metrics.intent_accuracy;
    if (score > best.score + 1e-12) best = { threshold, score };
  }
  return best;
}

export const intentTask: TaskModule<IntentExample, IntentPrediction, IntentDetails> = {
  name: 'intent',
  monitor: 'intent_accuracy',
  // With slots, intent accuracy saturates long before the slots are learned: watch the
  // sentence-level exact match (intent and every slot right) instead.
  monitorFor: (labels) => (labels.slots?.length ? 'sentence_accuracy' : 'intent_accuracy'),
  labelSet,
  features,
  headSpec: (labels) =>
    labels.slots && labels.slots.length > 0
      ? { kind: 'joint-intent-slots', numIntents: labels.names.length, numSlots: labels.slots.length }
      : { kind: 'sequence-classification', numLabels: labels.names.length },
  decode,
  metrics,
  tuneThreshold,
  applyThreshold,
};
