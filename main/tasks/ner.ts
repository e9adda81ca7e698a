// Named-entity recognition over pre-split words with IOB2 tags: each word is tokenized on its
// own, its first sub-token carries the word's tag and the others are ignored (-100); decoding
// reads each word's tag from its first sub-token. Metrics: seqeval strict IOB2 entity scores
// (see metrics/seqeval.ts for why strict) and word-level tag accuracy.
import type { Tokenizer } from '../text/index.ts';
import { entities, seqevalScores, type SeqevalMode } from './metrics/seqeval.ts';
import { alignWordLabels, gatherRows, wordTags } from './outputs.ts';
import type { BatchOutputs, ClassScores, DecodeOptions, Feature, FeatureOptions, LabelSet, MetricsReport, NerExample, TaskModule } from './types.ts';

/** An entity over words [startWord, endWord), with [start, end) characters in `words.join(' ')`. */
export interface EntitySpan {
  type: string;
  startWord: number;
  endWord: number;
  start: number;
  end: number;
  text: string;
}

export interface NerPrediction {
  /** One IOB2 tag per input word. */
  tags: string[];
  entities: EntitySpan[];
}

export interface NerDetails {
  perType: ClassScores[];
  mode: SeqevalMode;
}

/** The mode NER metrics use: strict IOB2 spans (the "strict-span"). */
export const NER_MODE: SeqevalMode = 'strict';

/** Tags sorted with 'O' first, so id 0 is "outside" in every NER model. */
export function tagSet(tagLists: Iterable<readonly string[]>): string[] {
  const all = new Set<string>();
  for (const tags of tagLists) for (const t of tags) all.add(t);
  all.delete('O');
  return ['O', ...[...all].sort()];
}

/** Entities with character offsets in words.join(' '). */
export function spansOf(words: readonly string[], tags: readonly string[], mode: SeqevalMode): EntitySpan[] {
  const starts: number[] = [];
  let at = 0;
  for (const w of words) {
    starts.push(at);
    at += w.length + 1;
  }
  return entities(tags, mode).map((e) => ({
    type: e.type,
    startWord: e.start,
    endWord: e.end,
    start: starts[e.start],
    end: starts[e.end - 1] + words[e.end - 1].length,
    text: words.slice(e.start, e.end).join(' '),
  }));
}

function features(examples: readonly NerExample[], tokenizer: Tokenizer, o: FeatureOptions): Feature[] {
  const index = new Map(o.labels.names.map((n, i) => [n, i]));
  return examples.map((ex, example) => {
    if (ex.tokens.length !== ex.tags.length) throw new Error(`Example ${example + 1} has ${ex.tokens.length} words but ${ex.tags.length} tags.`);
    const e = tokenizer.encodeWords(ex.tokens, { maxLength: o.maxLength ?? tokenizer.modelMaxLength });
    const wordLabels = ex.tags.map((t) => index.get(t) ?? -100);
    return { example, inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.tokenTypeIds, wordIds: e.wordIds, tokenLabels: alignWordLabels(e.wordIds, wordLabels) };
  });
}

function decode(examples: readonly NerExample[], feats: readonly Feature[], outputs: readonly BatchOutputs[], o: DecodeOptions): NerPrediction[] {
  const names = o.labels.names;
  const rows = gatherRows(feats.length, outputs, 'logits', names.length, true);
  const preds: NerPrediction[] = new Array<NerPrediction>(examples.length);
  feats.forEach((f, i) => {
    const words = examples[f.example].tokens;
    const tags = wordTags(rows[i], f.wordIds, names, words.length);
    preds[f.example] = { tags, entities: spansOf(words, tags, NER_MODE) };
  });
  return preds;
}

function metrics(preds: readonly NerPrediction[], gold: readonly NerExample[]): MetricsReport<NerDetails> {
  const s = seqevalScores(
    gold.map((g) => g.tags),
    preds.map((p) => p.tags),
    NER_MODE,
  );
  return {
    metrics: { entity_f1: s.f1, entity_precision: s.precision, entity_recall: s.recall, token_accuracy: s.accuracy },
    details: { perType: s.perType, mode: NER_MODE },
  };
}

function labelSet(examples: readonly NerExample[]): LabelSet {
  return { names: tagSet(examples.map((e) => e.tags)) };
}

export const nerTask: TaskModule<NerExample, NerPrediction, NerDetails> = {
  name: 'ner',
  monitor: 'entity_f1',
  labelSet,
  features,
  headSpec: (labels) => ({ kind: 'token-classification', numLabels: labels.names.length }),
  decode,
  metrics,
};
