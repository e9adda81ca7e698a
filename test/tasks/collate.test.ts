import { describe, expect, it } from 'vitest';
import { classificationTask, collate, intentTask, nerTask, qaTask } from '../../main/tasks/index.ts';
import { tokenizer } from './helpers.ts';

const big = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));

describe('collate: features → engine Batch with dynamic padding', () => {
  it('pads to the longest row with the pad id, mask 0, and int64 class ids', () => {
    const ex = [{ text: 'the man said', labels: ['b'] }, { text: 'the', labels: ['a'] }];
    const labels = classificationTask.labelSet(ex);
    const f = classificationTask.features(ex, tokenizer, { labels });
    const b = collate(f, 0, classificationTask.headSpec(labels));
    expect([b.batch, b.seq]).toEqual([2, 5]);
    const ids = tokenizer.encode('the man said').ids;
    expect(b.inputIds).toEqual(big([...ids, 2, ids[1], 3, 0, 0]));
    expect(b.attentionMask).toEqual(big([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]));
    expect(b.labels).toEqual(big([1, 0]));
  });

  it('multi-label targets are float [B, C]', () => {
    const ex = [{ text: 'a', labels: ['x', 'y'] }, { text: 'b', labels: ['y'] }];
    const labels = classificationTask.labelSet(ex);
    const b = collate(classificationTask.features(ex, tokenizer, { labels }), 0, classificationTask.headSpec(labels));
    expect(b.labels).toEqual(Float32Array.from([1, 1, 0, 1]));
  });

  it('token targets are padded with -100 (NER labels, intent slot labels)', () => {
    const ex = [{ tokens: ['john', 'said'], tags: ['B-PER', 'O'] }, { tokens: ['john'], tags: ['B-PER'] }];
    const labels = nerTask.labelSet(ex);
    const b = collate(nerTask.features(ex, tokenizer, { labels }), 0, nerTask.headSpec(labels));
    expect(b.labels).toEqual(big([-100, 1, 0, -100, -100, 1, -100, -100]));

    const ix = [{ text: 'john said', intent: 'x', slots: ['B-PER', 'O'] }];
    const il = intentTask.labelSet(ix);
    const ib = collate(intentTask.features(ix, tokenizer, { labels: il }), 0, intentTask.headSpec(il));
    expect(ib.labels).toEqual(big([0]));
    expect(ib.slotLabels).toEqual(big([-100, 1, 0, -100]));
  });

  it('QA start/end positions per window', () => {
    const ex = [{ id: 'q', context: 'the man said', question: 'who', answers: [{ text: 'man', start: 4 }] }];
    const b = collate(qaTask.features(ex, tokenizer, { labels: { names: [] } }), 0, qaTask.headSpec({ names: [] }));
    // [CLS] who [SEP] the man said [SEP] → "man" = 4
    expect([b.startPositions, b.endPositions]).toEqual([big([4]), big([4])]);
  });
});
