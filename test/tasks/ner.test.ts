import { describe, expect, it } from 'vitest';
import { nerTask as task, spansOf } from '../../main/tasks/index.ts';
import { batchOf, tokenLogits, tokenizer } from './helpers.ts';

describe('ner: features', () => {
  it("the first sub-token carries the word's tag, the rest and the specials -100", () => {
    const ex = [{ tokens: ['Héllo', 'world'], tags: ['B-PER', 'O'] }];
    const labels = task.labelSet(ex);
    expect(labels.names).toEqual(['O', 'B-PER']); // 'O' first
    const [f] = task.features(ex, tokenizer, { labels });
    // [CLS] he ##l ##l ##o world [SEP]
    expect(f.wordIds).toEqual([null, 0, 0, 0, 0, 1, null]);
    expect(f.tokenLabels).toEqual([-100, 1, -100, -100, -100, 0, -100]);
    expect(task.headSpec(labels)).toEqual({ kind: 'token-classification', numLabels: 2 });
  });

  it('punctuation inside a word stays with that word; truncated words lose their targets', () => {
    const ex = [{ tokens: ["don't", 'go', 'home'], tags: ['O', 'B-V', 'O'] }];
    const [f] = task.features(ex, tokenizer, { labels: { names: ['O', 'B-V'] }, maxLength: 6 });
    // [CLS] don ' t go [SEP] — "home" is cut
    expect(f.tokenLabels).toEqual([-100, 0, -100, -100, 1, -100]);
  });

  it('refuses words and tags of different lengths, naming the example', () => {
    expect(() => task.features([{ tokens: ['a'], tags: [] }], tokenizer, { labels: { names: ['O'] } })).toThrow(/Example 1 has 1 words but 0 tags/);
  });
});

describe('ner: decode and metrics', () => {
  const names = ['O', 'B-PER', 'I-PER'];
  const examples = [{ tokens: ['John', 'Wood', 'said'], tags: ['B-PER', 'I-PER', 'O'] }];

  it('reads each word from its first sub-token and gives entities with character offsets', () => {
    const feats = task.features(examples, tokenizer, { labels: { names } });
    // tokens: [CLS] john wood said [SEP]; the sub-token picks are positions 1..3
    const out = [batchOf([0], 'logits', [tokenLogits([0, 1, 2, 0, 0], 3)], 3)];
    const [p] = task.decode(examples, feats, out, { labels: { names } });
    expect(p.tags).toEqual(['B-PER', 'I-PER', 'O']);
    // "John Wood said": PER over words 0–1 = characters [0, 9)
    expect(p.entities).toEqual([{ type: 'PER', startWord: 0, endWord: 2, start: 0, end: 9, text: 'John Wood' }]);
    const m = task.metrics([p], examples).metrics;
    expect(m).toEqual({ entity_f1: 1, entity_precision: 1, entity_recall: 1, token_accuracy: 1 });
    expect(task.monitor).toBe('entity_f1');
  });

  it('ignores later sub-tokens when decoding, and tags words cut by truncation O', () => {
    const ex = [{ tokens: ['Héllo', 'John', 'Wood'], tags: ['B-PER', 'O', 'O'] }];
    const feats = task.features(ex, tokenizer, { labels: { names }, maxLength: 6 });
    // [CLS] he ##l ##l ##o john [SEP] → maxLength 6 keeps he ##l ##l ##o; "john", "wood" are cut
    expect(feats[0].inputIds.length).toBe(6);
    // first sub-token "he" → B-PER; the ##-pieces say I-PER but are not read
    const out = [batchOf([0], 'logits', [tokenLogits([0, 1, 2, 2, 2, 0], 3)], 3)];
    expect(task.decode(ex, feats, out, { labels: { names } })[0].tags).toEqual(['B-PER', 'O', 'O']);
  });

  it('scores strict IOB2 spans: a lone I- is not an entity', () => {
    // gold PER(0,2); predicted I-PER I-PER O → no entity in strict mode: P 0 (0/0), R 0
    const r = task.metrics([{ tags: ['I-PER', 'I-PER', 'O'], entities: [] }], examples);
    expect(r.metrics.entity_f1).toBe(0);
    expect(r.metrics.entity_recall).toBe(0);
    // tags right: words 1 (I-PER) and 2 (O) → 2/3
    expect(r.metrics.token_accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.details.mode).toBe('strict');
  });

  it('spansOf handles an entity at the end of the sentence', () => {
    expect(spansOf(['in', 'New', 'York'], ['O', 'B-LOC', 'I-LOC'], 'strict')).toEqual([{ type: 'LOC', startWord: 1, endWord: 3, start: 3, end: 11, text: 'New York' }]);
  });
});
