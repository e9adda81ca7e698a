import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../main/data/index.ts';
import type { ImportReport } from '../../main/data/index.ts';
import type { Store } from '../../main/store/index.ts';
import { countExamples, loadExamples, openStore } from '../../main/store/index.ts';
import type { IntentExample, NerExample, QaExample } from '../../main/store/types.ts';
import { SHARED_DATA, tempDir } from './helpers.ts';

/** The real datasets in ../shared/data import with the counts and label sets their SOURCE.md states. */
const d = (...p: string[]) => path.join(SHARED_DATA, ...p);
let store: Store;
let cleanup: () => void;
beforeAll(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  store = openStore(t.dir);
});
afterAll(() => {
  store.close();
  cleanup();
});

function count(report: ImportReport, label: string): number | undefined {
  return report.stats.labels.find((l) => l.label === label)?.count;
}

describe('shared datasets', () => {
  it('banking77 (classification): 10003 train + 3080 test, 77 labels; 10% of train becomes validation', async () => {
    const { report, dataset } = await importDataset(store, [d('banking77/train.csv'), d('banking77/test.csv')], { task: 'classification', project: 'banking' });
    expect(report.errors).toEqual([]);
    expect(dataset).toBeDefined();
    expect(report.stats.rows).toBe(13083);
    expect(report.stats.splits.test).toBe(3080);
    expect(report.stats.splits.train + report.stats.splits.validation).toBe(10003);
    expect(report.stats.splits.validation).toBeGreaterThan(950);
    expect(dataset?.labels).toHaveLength(77);
    expect(dataset?.labels).toContain('reverted_card_payment?');
    expect(count(report, 'card_payment_fee_charged')).toBe(227);
    expect(count(report, 'Refund_not_showing_up')).toBe(202);
    // SOURCE.md: 7 test texts occur in train after case/whitespace folding, 0 exactly.
    expect(report.problemCounts.leakage).toBe(7);
    expect(report.warnings.filter((w) => w.code === 'leakage').every((w) => /ignoring case and spacing/.test(w.message))).toBe(true);
    expect(countExamples(store, dataset?.id ?? -1)).toEqual(report.stats.splits);
  });

  it('rt_polarity (classification): 9596 + 1066, two balanced labels', async () => {
    const { report, dataset } = await importDataset(store, [d('rt_polarity/train.csv'), d('rt_polarity/test.csv')], { task: 'classification', project: 'movies' });
    expect(report.ok).toBe(true);
    expect(report.stats.splits.test).toBe(1066);
    expect(report.stats.splits.train + report.stats.splits.validation).toBe(9596);
    expect(dataset?.labels).toEqual(['negative', 'positive']);
    expect([count(report, 'negative'), count(report, 'positive')]).toEqual([5331, 5331]);
    expect(report.problemCounts.leakage ?? 0).toBe(0);
    const test = loadExamples(store, dataset?.id ?? -1, 'test');
    expect(test).toHaveLength(1066);
    expect(test[0]).toMatchObject({ split: 'test', sourceLine: 2, labels: [expect.any(String)] });
  });

  it('snips joint CSVs (intent + BIO slots): 13084/700/700, 7 intents, 72 slot tags', async () => {
    const files = ['train_joint.csv', 'validation_joint.csv', 'test_joint.csv'].map((f) => d('snips', f));
    const { report, dataset } = await importDataset(store, files, { task: 'intent', project: 'snips' });
    expect(report.errors).toEqual([]);
    expect(report.stats.splits).toEqual({ train: 13084, validation: 700, test: 700 });
    expect(report.mapping).toMatchObject({ text: 'text', intent: 'intent', slots: 'slots' });
    expect(dataset?.labels).toEqual(['AddToPlaylist', 'BookRestaurant', 'GetWeather', 'PlayMusic', 'RateBook', 'SearchCreativeWork', 'SearchScreeningEvent']);
    expect(count(report, 'GetWeather')).toBe(2100);
    expect(count(report, 'AddToPlaylist')).toBe(2042);
    expect(dataset?.slotLabels).toHaveLength(72);
    expect(report.stats.slotLabels.find((l) => l.label === 'O')?.count).toBe(63529);
    const [first] = loadExamples<'intent'>(store, dataset?.id ?? -1, 'train');
    expect(first as IntentExample).toMatchObject({ text: 'listen to westbam alumb allergic on google music', intent: 'PlayMusic', slots: ['O', 'O', 'B-artist', 'O', 'B-album', 'O', 'B-service', 'I-service'] });
  });

  it('snips plain CSVs (intent without slots) and CoNLL slots (as NER)', async () => {
    const csv = await importDataset(store, ['train.csv', 'validation.csv', 'test.csv'].map((f) => d('snips', f)), { task: 'intent', project: 'snips' });
    expect(csv.report.stats.splits).toEqual({ train: 13084, validation: 700, test: 700 });
    expect(csv.dataset?.labels).toHaveLength(7);
    const conll = await importDataset(store, ['train.conll', 'validation.conll', 'test.conll'].map((f) => d('snips', f)), { task: 'ner', project: 'snips' });
    expect(conll.report.errors).toEqual([]);
    expect(conll.report.stats.splits).toEqual({ train: 13084, validation: 700, test: 700 });
    expect(conll.dataset?.labels).toHaveLength(72);
    const tokens = loadExamples<'ner'>(store, conll.dataset?.id ?? -1, 'train').reduce((s, e) => s + (e as NerExample).tokens.length, 0);
    expect(tokens).toBe(117700);
  });

  it('wnut17 (NER, CoNLL): 3394/1009/1287 sentences, 13 BIO tags', async () => {
    const files = ['train.conll', 'validation.conll', 'test.conll'].map((f) => d('wnut17', f));
    const { report, dataset } = await importDataset(store, files, { task: 'ner', project: 'wnut' });
    expect(report.errors).toEqual([]);
    expect(report.stats.splits).toEqual({ train: 3394, validation: 1009, test: 1287 });
    expect(dataset?.labels).toEqual(['B-corporation', 'B-creative-work', 'B-group', 'B-location', 'B-person', 'B-product', 'I-corporation', 'I-creative-work', 'I-group', 'I-location', 'I-person', 'I-product', 'O']);
    expect(count(report, 'O')).toBe(95707);
    expect(count(report, 'B-person')).toBe(1559);
    const perSplit = report.stats.labels.reduce((s, l) => ({ train: s.train + l.perSplit.train, validation: s.validation + l.perSplit.validation, test: s.test + l.perSplit.test }), { train: 0, validation: 0, test: 0 });
    expect(perSplit).toEqual({ train: 62730, validation: 15733, test: 23394 });
  });

  it('xquad_en (SQuAD v1.1 QA): 991 questions, every answer at its offset, split by context', async () => {
    const { report, dataset } = await importDataset(store, d('xquad_en/train.json'), { task: 'qa', project: 'qa' });
    expect(report.errors).toEqual([]);
    expect(report.files[0].format).toBe('squad');
    expect(report.stats.rows).toBe(991);
    expect(report.stats.answerable).toEqual({ answerable: 991, unanswerable: 0 });
    expect(report.stats.splitSource).toBe('auto');
    const all = loadExamples<'qa'>(store, dataset?.id ?? -1) as (QaExample & { split: string })[];
    for (const e of all) for (const a of e.answers) expect(e.context.slice(a.start, a.start + a.text.length)).toBe(a.text);
    // Questions about one paragraph never straddle train and test.
    const splitsByContext = new Map<string, Set<string>>();
    for (const e of all) splitsByContext.set(e.context, (splitsByContext.get(e.context) ?? new Set()).add(e.split));
    expect([...splitsByContext.values()].every((s) => s.size === 1)).toBe(true);
    expect(splitsByContext.size).toBe(195);
  });
});
