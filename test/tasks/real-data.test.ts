// Round trips on slices of the project's real datasets: targets built from the data, turned
// into the logits a perfect model would output, must decode back to the gold answers and tags
// and score 1. This proves the offset and label alignment on real text (punctuation, digits,
// Unicode, words the 1000-token vocabulary does not know).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nerTask, qaTask, type NerExample, type QaExample } from '../../main/tasks/index.ts';
import { SHARED } from '../text/shared-paths.ts';
import { batchOf, tokenLogits, tokenizer } from './helpers.ts';

interface SquadFile {
  data: { paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
}

function xquad(n: number): QaExample[] {
  const file = JSON.parse(readFileSync(`${SHARED}data/xquad_en/train.json`, 'utf8')) as SquadFile;
  const out: QaExample[] = [];
  for (const a of file.data)
    for (const p of a.paragraphs)
      for (const q of p.qas) out.push({ id: q.id, context: p.context, question: q.question, answers: q.answers.map((x) => ({ text: x.text, start: x.answer_start })) });
  return out.slice(0, n);
}

function conll(path: string, n: number): NerExample[] {
  const out: NerExample[] = [];
  for (const block of readFileSync(path, 'utf8').split(/\r?\n\s*\r?\n/)) {
    const rows = block.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (rows.length === 0) continue;
    out.push({ tokens: rows.map((r) => r.split('\t')[0]), tags: rows.map((r) => r.split('\t')[1]) });
    if (out.length === n) break;
  }
  return out;
}

describe('real data round trips', () => {
  it('xquad: every answer is found exactly through offsets and decodes back (EM 1, F1 1)', () => {
    const ex = xquad(40);
    const feats = qaTask.features(ex, tokenizer, { labels: { names: [] }, maxLength: 128, stride: 32 });
    expect(feats.length).toBeGreaterThan(ex.length); // contexts are longer than one window
    for (const f of feats) {
      if (f.startPosition === 0) continue;
      const e = ex[f.example];
      const span = e.context.slice(f.offsets?.[f.startPosition ?? 0]?.[0], f.offsets?.[f.endPosition ?? 0]?.[1]);
      expect(span).toBe(e.answers[0].text);
    }
    // A perfect model: 10 at the gold start/end, 0 elsewhere ([CLS] too: windows without the answer).
    const rows = feats.map((_, i) => i);
    const onehot = (pos: (f: (typeof feats)[number]) => number) => feats.map((f) => f.inputIds.map((_, t) => (t === pos(f) && t > 0 ? 10 : 0)));
    const s = batchOf(rows, 'startLogits', onehot((f) => f.startPosition ?? 0), 1);
    const e = batchOf(rows, 'endLogits', onehot((f) => f.endPosition ?? 0), 1);
    const preds = qaTask.decode(ex, feats, [{ rows, outputs: { ...s.outputs, ...e.outputs, dims: { ...s.outputs.dims, ...e.outputs.dims } } }], { labels: { names: [] } });
    expect(qaTask.metrics(preds, ex).metrics).toEqual({ exact_match: 1, f1: 1 });
  });

  it('wnut17: first-sub-token labels decode back to the gold tags (entity F1 1)', () => {
    const ex = conll(`${SHARED}data/wnut17/train.conll`, 60);
    const labels = nerTask.labelSet(ex);
    const feats = nerTask.features(ex, tokenizer, { labels });
    feats.forEach((f, i) => {
      // one target per word, in word order
      expect(f.tokenLabels?.filter((l) => l !== -100)).toEqual(ex[i].tags.map((t) => labels.names.indexOf(t)));
    });
    const C = labels.names.length;
    const out = batchOf(
      feats.map((_, i) => i),
      'logits',
      feats.map((f) => tokenLogits(f.tokenLabels?.map((l) => (l < 0 ? 0 : l)) ?? [], C)),
      C,
    );
    const preds = nerTask.decode(ex, feats, [out], { labels });
    expect(preds.map((p) => p.tags)).toEqual(ex.map((e) => e.tags));
    const m = nerTask.metrics(preds, ex).metrics;
    expect([m.entity_f1, m.token_accuracy]).toEqual([1, 1]);
  });
});
