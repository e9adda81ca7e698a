import { describe, expect, it } from 'vitest';
import { intentTask as task, type IntentExample, type IntentPrediction } from '../../main/tasks/index.ts';
import { batchOf, tokenLogits, tokenizer } from './helpers.ts';

const joint: IntentExample[] = [
  { text: 'play the wood house', intent: 'PlayMusic', slots: ['O', 'O', 'B-artist', 'I-artist'] },
  { text: 'will it rain', intent: 'GetWeather', tokens: ['will', 'it', 'rain'], slots: ['O', 'O', 'B-condition'] },
];

describe('intent: labels, features, head', () => {
  it('joint data: sorted intents, slots with O first, joint head', () => {
    const labels = task.labelSet(joint);
    expect(labels).toEqual({ names: ['GetWeather', 'PlayMusic'], slots: ['O', 'B-artist', 'B-condition', 'I-artist'] });
    expect(task.headSpec(labels)).toEqual({ kind: 'joint-intent-slots', numIntents: 2, numSlots: 4 });
    const f = task.features(joint, tokenizer, { labels });
    expect(f.map((x) => x.label)).toEqual([1, 0]);
    // [CLS] play the wood house [SEP]: slot ids O O B-artist I-artist on the words' first tokens
    expect(f[0].tokenLabels).toEqual([-100, 0, 0, 1, 3, -100]);
    // however "rain" splits into pieces, only its first piece carries B-condition (id 2)
    expect(f[1].tokenLabels?.filter((l) => l !== -100)).toEqual([0, 0, 2]);
  });

  it('intent-only data: a sequence-classification head and no slot targets', () => {
    const plain = [{ text: 'hi', intent: 'greet' }, { text: 'bye', intent: 'leave' }];
    const labels = task.labelSet(plain);
    expect(labels).toEqual({ names: ['greet', 'leave'] });
    expect(task.headSpec(labels)).toEqual({ kind: 'sequence-classification', numLabels: 2 });
    expect(task.features(plain, tokenizer, { labels })[0].tokenLabels).toBeUndefined();
  });

  it('refuses slot tags that do not match the words', () => {
    const bad = [{ text: 'a b', intent: 'x', slots: ['O'] }];
    expect(() => task.features(bad, tokenizer, { labels: task.labelSet(bad) })).toThrow(/Example 1 has 2 words but 1 slot tags/);
  });
});

describe('intent: decode', () => {
  const labels = task.labelSet(joint);
  const feats = task.features(joint, tokenizer, { labels });

  it('intent from softmax, slots from first sub-tokens, out_of_scope below the threshold', () => {
    // example 0: logits [0, ln 3] → P(PlayMusic) = 3/4; example 1: [ln 1.5, 0] → P(GetWeather) = 0.6
    const intents = batchOf([0, 1], 'logits', [[0, Math.log(3)], [Math.log(1.5), 0]]);
    const S0 = feats[0].inputIds.length;
    const slotsOut = batchOf([0, 1], 'slotLogits', [tokenLogits([0, 0, 0, 1, 3, 0], 4), tokenLogits(feats[1].wordIds.map((w) => (w === 2 ? 2 : 0)), 4)], 4);
    const outputs = [{ rows: [0, 1], outputs: { ...intents.outputs, ...slotsOut.outputs } }];
    const preds = task.decode(joint, feats, outputs, { labels });
    expect(S0).toBe(6);
    expect(preds[0]).toMatchObject({ intent: 'PlayMusic', topIntent: 'PlayMusic', slots: ['O', 'O', 'B-artist', 'I-artist'] });
    expect(preds[0].confidence).toBeCloseTo(0.75, 6);
    expect(preds[0].entities).toEqual([{ type: 'artist', startWord: 2, endWord: 4, start: 9, end: 19, text: 'wood house' }]);
    expect(preds[1].slots).toEqual(['O', 'O', 'B-condition']);
    const gated = task.decode(joint, feats, outputs, { labels, oosThreshold: 0.7 });
    expect(gated.map((p) => p.intent)).toEqual(['PlayMusic', 'out_of_scope']); // 0.6 < 0.7
  });
});

describe('intent: metrics and the out-of-scope threshold', () => {
  const gold: IntentExample[] = [
    { text: 'a b', intent: 'play', slots: ['B-x', 'O'] },
    { text: 'a b', intent: 'play', slots: ['B-x', 'I-x'] },
    { text: 'a b', intent: 'stop', slots: ['O', 'O'] },
    { text: 'a b', intent: 'oos', slots: ['O', 'O'] },
  ];
  const p = (intent: string, confidence: number, slots: string[]): IntentPrediction => ({ intent, confidence, topIntent: intent, slots });
  const preds = [
    p('play', 0.9, ['B-x', 'O']), //    intent ✓, slots ✓ → sentence ✓
    p('play', 0.8, ['B-x', 'O']), //    intent ✓, slots ✗ (x(0,1) vs gold x(0,2))
    p('play', 0.55, ['O', 'O']), //     intent ✗
    p('stop', 0.4, ['O', 'I-x']), //    intent ✗ (out-of-scope missed); default mode: I-x after O = x(1,2)
  ];

  it('intent accuracy, slot F1 (seqeval default mode), sentence accuracy, OOS recall', () => {
    const m = task.metrics(preds, gold).metrics;
    expect(m.intent_accuracy).toBe(0.5); // 2 of 4
    // gold slots: x(0,1) in #0, x(0,2) in #1 → 2; predicted: x(0,1) #0, x(0,1) #1, x(1,2) #3 → 3
    // correct 1 → P 1/3, R 1/2, F1 2·(1/3)(1/2)/(5/6) = 0.4
    expect(m.slot_precision).toBeCloseTo(1 / 3, 12);
    expect(m.slot_recall).toBeCloseTo(0.5, 12);
    expect(m.slot_f1).toBeCloseTo(0.4, 12);
    expect(m.sentence_accuracy).toBe(0.25); // only #0
    expect(m.oos_recall).toBe(0); // the one out-of-scope example was called "stop"
    expect(task.monitor).toBe('intent_accuracy');
  });

  it('tunes the threshold on validation: rejecting below 0.45 catches the oos example', () => {
    // threshold 0: accuracy 2/4. In (0.4, 0.55]: #3 → out_of_scope ✓ (oos ≡ out_of_scope) → 3/4.
    // Above 0.55: #2 is rejected too (still wrong), above 0.8 #1 and above 0.9 #0 are lost.
    // First best candidate: 0.45.
    const choice = task.tuneThreshold?.(preds, gold);
    expect(choice).toEqual({ threshold: 0.45, score: 0.75 });
    const applied = task.applyThreshold?.(preds, 0.45) ?? [];
    expect(applied.map((x) => x.intent)).toEqual(['play', 'play', 'play', 'out_of_scope']);
    expect(task.metrics(applied, gold).metrics.oos_recall).toBe(1);
  });

  it('no out-of-scope examples: threshold 0 (off) and no oos_recall metric', () => {
    const g = gold.slice(0, 3);
    expect(task.tuneThreshold?.(preds.slice(0, 3), g)).toEqual({ threshold: 0, score: 2 / 3 });
    expect(task.metrics(preds.slice(0, 3), g).metrics.oos_recall).toBeUndefined();
  });
});
