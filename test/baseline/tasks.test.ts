// Each task's baseline on a tiny dataset, scored by the task's own metrics; every expected
// number is worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { fitEntityMemory, tagWithMemory } from '../../main/baseline/ner-memorize.ts';
import { answerByOverlap } from '../../main/baseline/qa-overlap.ts';
import { evenSample, trainBaseline } from '../../main/baseline/train-baseline.ts';
import type { ClassificationExample, IntentExample, NerExample, QaExample } from '../../main/tasks/types.ts';

const c = (text: string, ...labels: string[]): ClassificationExample => ({ text, labels });

describe('keyword baseline: classification', () => {
  const train = [c('refund my money', 'billing'), c('i want a refund', 'billing'), c('charged twice refund', 'billing'), c('parcel is late', 'shipping'), c('late delivery of my parcel', 'shipping'), c('where is the parcel', 'shipping')];

  it('single-label: right on keyword texts, and a class never seen in training is never predicted (accuracy 2/3)', async () => {
    const validation = [c('refund please', 'billing'), c('my parcel', 'shipping'), c('cancel my account', 'account')];
    const r = await trainBaseline({ task: 'classification', train, validation, labels: { names: ['account', 'billing', 'shipping'] } });
    expect(r.kind).toBe('tfidf-svm');
    expect(r.metrics.validation.accuracy).toBeCloseTo(2 / 3, 10);
    // Recall per class: account 0 (never predicted), billing 1, shipping 1 → macro (0 + 1 + 1) / 3.
    expect(r.metrics.validation.macro_recall).toBeCloseTo(2 / 3, 10);
    expect(r.metrics.test).toBeUndefined();
  });

  it('multi-label: one-vs-rest, every class scoring above 0 (subset accuracy 3/4, micro recall 5/6)', async () => {
    const ml = [...train, c('refund for the late parcel', 'billing', 'shipping'), c('late parcel and a refund', 'billing', 'shipping')];
    const validation = [c('refund', 'billing'), c('parcel late', 'shipping'), c('refund the late parcel', 'billing', 'shipping'), c('refund', 'billing', 'vip')];
    const r = await trainBaseline({ task: 'classification', train: ml, validation, test: validation.slice(0, 3), labels: { names: ['billing', 'shipping', 'vip'], multiLabel: true } });
    // 'vip' has no training example: the last example can only get {billing} → wrong as a set.
    expect(r.metrics.validation.accuracy).toBeCloseTo(3 / 4, 10);
    // Gold labels 6, found 5 (all but vip), no false positives.
    expect(r.metrics.validation.micro_recall).toBeCloseTo(5 / 6, 10);
    expect(r.metrics.validation.micro_precision).toBe(1);
    expect(r.metrics.test?.accuracy).toBe(1);
    expect(r.classifier?.multiLabel).toBe(true);
  });
});

describe('keyword baseline: intent with slots', () => {
  it('classifies the intent and tags slots by memorization (sentence accuracy 1/2)', async () => {
    const i = (text: string, intent: string, slots: string[]): IntentExample => ({ text, intent, tokens: text.split(' '), slots });
    const train = [i('play jazz now', 'play', ['O', 'B-genre', 'O']), i('play some rock', 'play', ['O', 'O', 'B-genre']), i('weather in paris', 'weather', ['O', 'O', 'B-city']), i('weather tomorrow in rome', 'weather', ['O', 'O', 'O', 'B-city'])];
    // 'berlin' was never tagged in training: its slot is missed, so that sentence is not exact.
    const validation = [i('play jazz', 'play', ['O', 'B-genre']), i('weather in berlin', 'weather', ['O', 'O', 'B-city'])];
    const r = await trainBaseline({ task: 'intent', train, validation, labels: { names: ['play', 'weather'], slots: ['O', 'B-city', 'B-genre'] } });
    expect(r.metrics.validation.intent_accuracy).toBe(1);
    expect(r.metrics.validation.sentence_accuracy).toBe(0.5);
    // Slots: gold 2, found 1, no false positive → P 1, R 1/2, F1 2/3.
    expect(r.metrics.validation.slot_f1).toBeCloseTo(2 / 3, 10);
  });
});

describe('memorization baseline: NER', () => {
  const n = (s: string, tags: string): NerExample => ({ tokens: s.split(' '), tags: tags.split(' ') });
  const train = [n('New York is big', 'B-LOC I-LOC O O'), n('I met Paris Hilton', 'O O B-PER I-PER'), n('Paris is nice', 'B-LOC O O'), n('Paris in spring', 'B-LOC O O'), n('Paris said hi', 'B-PER O O')];

  it('tags the longest remembered sequence with its most frequent type', () => {
    const memory = fitEntityMemory(train.map((e) => ({ words: e.tokens, tags: e.tags })));
    // 'Paris' is LOC twice and PER once → LOC; 'Paris Hilton' (longer) wins where it occurs.
    expect(tagWithMemory(memory, ['Paris', 'Hilton', 'in', 'New', 'York'])).toEqual(['B-PER', 'I-PER', 'O', 'B-LOC', 'I-LOC']);
    expect(tagWithMemory(memory, ['Paris', 'and', 'York'])).toEqual(['B-LOC', 'O', 'O']);
  });

  it('scores with entity F1 (1/2) and gives the majority-tag line', async () => {
    // Gold: Paris=PER (memorized as LOC → 1 false positive + 1 miss), New York=LOC (found).
    const validation = [n('Paris spoke in New York', 'B-PER O O B-LOC I-LOC')];
    const r = await trainBaseline({ task: 'ner', train, validation, labels: { names: ['O', 'B-LOC', 'B-PER', 'I-LOC', 'I-PER'] } });
    expect(r.kind).toBe('entity-memory');
    expect(r.metrics.validation.entity_precision).toBe(0.5);
    expect(r.metrics.validation.entity_recall).toBe(0.5);
    expect(r.metrics.validation.entity_f1).toBe(0.5);
    // Majority tags per word: Paris → B-LOC, spoke → O (unseen: the most frequent tag), in → O,
    // New → B-LOC, York → I-LOC: 4 of 5 tags right; entities as with memorization.
    expect(r.majority?.validation.token_accuracy).toBe(0.8);
    expect(r.majority?.validation.entity_f1).toBe(0.5);
  });
});

describe('word-overlap baseline: QA', () => {
  const context = 'Paris is the capital of France. The Eiffel Tower was built in 1889 by Gustave Eiffel.';
  const q = (id: string, question: string, answer: string): QaExample => ({ id, context, question, answers: [{ text: answer, start: context.indexOf(answer) }] });

  it('picks the sentence sharing most question words and the best-overlap span in it', () => {
    // Sentence 2 shares eiffel, tower, built. "1889": window was/built/in + by/gustave/eiffel → 2
    // (built, eiffel), and so does the longer "1889 by Gustave", which wins the tie; "Gustave"
    // alone has only eiffel → 1; spans that start or end on "was", "in", "by" are skipped.
    const p = answerByOverlap(q('a', 'When was the Eiffel Tower built?', '1889'));
    expect(p.answer).toBe('1889 by Gustave');
    expect(context.slice(p.start, p.end)).toBe('1889 by Gustave');
    expect(answerByOverlap({ ...q('b', 'Who painted it?', 'x'), answers: [] }).answer).toBe('');
  });

  it('scores with SQuAD exact match and F1 (F1 (1/2 + 2/5) / 2 = 0.45)', async () => {
    // Both questions get "1889 by Gustave": against "1889" P 1/3, R 1 → F1 1/2; against
    // "Gustave Eiffel" P 1/3, R 1/2 → F1 2/5. No exact match.
    const validation = [q('a', 'When was the Eiffel Tower built?', '1889'), q('b', 'Who built the Eiffel Tower?', 'Gustave Eiffel')];
    const r = await trainBaseline({ task: 'qa', train: [], validation, labels: { names: [] } });
    expect(r.kind).toBe('word-overlap');
    expect(r.metrics.validation.exact_match).toBe(0);
    expect(r.metrics.validation.f1).toBeCloseTo(0.45, 10);
  });
});

describe('training size', () => {
  it('learns from an even sample when the training split is very large', () => {
    expect(evenSample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 2, 5, 7]);
    expect(evenSample([1, 2], 4)).toEqual([1, 2]);
  });
});
