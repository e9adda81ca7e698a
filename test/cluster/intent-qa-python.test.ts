import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentTask, type IntentPrediction } from '../../main/tasks/intent.ts';
import { qaTask } from '../../main/tasks/qa.ts';
import type { BatchOutputs, Feature, IntentExample, QaExample } from '../../main/tasks/types.ts';
import { createWordPieceTokenizer } from '../../main/text/index.ts';

// The intent and QA pieces of an exported job (main/cluster/python) against the app's own task
// modules on hand-made predictions and windows: no torch, no transformers, plain Python.
const PY = path.resolve(import.meta.dirname, '../../main/cluster/python');

function python<T>(script: string, input: unknown): T {
  const r = spawnSync('python3', ['-c', `import json,sys; sys.path.insert(0, ${JSON.stringify(PY)})\n${script}`], { input: JSON.stringify(input), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: path.resolve(import.meta.dirname, '../fixtures/cluster/stubs') } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** A fixed pseudo-random sequence (no Math.random: failures must repeat). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('studio_intent.py equals main/tasks/intent.ts', () => {
  it('intent accuracy, out-of-scope recall and the tuned out-of-scope threshold', () => {
    const names = ['balance', 'oos', 'out_of_scope', 'transfer', 'weather'];
    const rnd = lcg(7);
    // Logits in float32, as the engine returns them; a few rows tie on purpose (argmax: first).
    const logits = Array.from({ length: 60 }, (_, i) => (i % 9 === 0 ? [1, 1, 0, 1, 0] : names.map(() => Math.fround(rnd() * 4 - 2))));
    const gold: IntentExample[] = logits.map((_, i) => ({ text: `t${i}`, intent: i % 7 === 0 ? 'oos' : i % 11 === 0 ? 'out_of_scope' : i % 13 === 0 ? 'unseen' : names[(i * 3) % 5]! }));
    const feats: Feature[] = gold.map((_, i) => ({ example: i, inputIds: [1], attentionMask: [1], tokenTypeIds: [0], wordIds: [null] }));
    const outputs: BatchOutputs[] = [{ rows: feats.map((_, i) => i), outputs: { logits: Float32Array.from(logits.flat()) } }];
    const preds = intentTask.decode(gold, feats, outputs, { labels: { names } }) as IntentPrediction[];
    const app = intentTask.metrics(preds, gold).metrics;
    const tuned = intentTask.tuneThreshold!(preds, gold);
    const appTuned = intentTask.metrics(intentTask.applyThreshold!(preds, tuned.threshold), gold).metrics;
    expect(app.oos_recall).toBeGreaterThan(0);
    expect(tuned.threshold).toBeGreaterThan(0);

    const [plain, withTuning] = python<[Record<string, number>, Record<string, number>]>(
      `from studio_intent import metrics_from_predictions
class S: pass
d = json.load(sys.stdin); s = S(); s.gold = d['gold']; s.label_ids = d['ids']
print(json.dumps([metrics_from_predictions(d['logits'], d['ids'], s, d['names'], None), metrics_from_predictions(d['logits'], d['ids'], s, d['names'], 'tune')]))`,
      { logits, names, gold: gold.map((g) => g.intent), ids: gold.map((g) => names.indexOf(g.intent)).map((k) => (k < 0 ? -100 : k)) },
    );
    const close = (a: Record<string, number>, b: Record<string, number>) => {
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
      for (const k of Object.keys(b)) expect(Math.abs(a[k]! - b[k]!), k).toBeLessThan(1e-12);
    };
    close(plain, app);
    close(withTuning, { ...appTuned, threshold: tuned.threshold });
  });
});

describe('studio_squad.py equals main/tasks/qa.ts', () => {
  const contexts = ['The Eiffel Tower was built by Gustave Eiffel in 1889.', 'Sam Stan built the old bridge, an arch, in 1894 over the Tees.', 'Nothing here answers it.'];
  const questions = [0, 1, 2, 0, 1, 1, 2, 0];
  const examples: QaExample[] = questions.map((c, i) => ({ id: `q${i}`, question: 'who?', context: contexts[c]!, answers: c === 2 ? [] : c === 0 ? [{ text: 'Gustave Eiffel', start: 30 }] : [{ text: 'Sam Stan', start: 0 }, { text: 'the.', start: 0 }] }));

  it('reads the same answers from start/end logits over several windows, n-best, length limit, ties and no-answer', () => {
    const rnd = lcg(3);
    // Two or three windows per question with token spans into the context (null: question/special tokens).
    const feats: Feature[] = [];
    examples.forEach((ex, k) => {
      const words = [...ex.context.matchAll(/\S+/g)].map((m) => [m.index, m.index + m[0].length] as [number, number]);
      for (let w = 0; w < 2 + (k % 2); w++) {
        const from = Math.min(w * 4, Math.max(0, words.length - 6));
        const span = words.slice(from, from + 6 + w);
        const offsets = [null, null, null, ...span, null];
        feats.push({ example: k, inputIds: offsets.map(() => 1), attentionMask: offsets.map(() => 1), tokenTypeIds: offsets.map(() => 0), wordIds: offsets.map(() => null), offsets });
      }
    });
    const S = Math.max(...feats.map((f) => f.inputIds.length)) + 2; // padded batch, as the engine returns it
    // Integer logits make ties common: the order of equal scores must match too.
    const row = (f: Feature) => Array.from({ length: S }, (_, t) => (t < f.inputIds.length ? Math.floor(rnd() * 6) - 1 : 9));
    const start = feats.map(row);
    const end = feats.map(row);
    const outputs: BatchOutputs[] = [{ rows: feats.map((_, i) => i), outputs: { startLogits: Float32Array.from(start.flat()), endLogits: Float32Array.from(end.flat()), dims: { startLogits: [feats.length, S], endLogits: [feats.length, S] } } }];
    for (const [noAnswer, maxAnswerLength, nBest] of [[true, 30, 20], [false, 2, 3], [true, 3, 2]] as const) {
      const app = qaTask.decode(examples, feats, outputs, { labels: { names: [], noAnswer }, maxAnswerLength, nBest }).map((p) => p.answer);
      const py = python<string[]>(
        `from studio_squad import answers_from_logits
d = json.load(sys.stdin); f = d['feats']
print(json.dumps(answers_from_logits(d['contexts'], [x['example'] for x in f], [x['offsets'] for x in f], [len(x['inputIds']) for x in f], d['start'], d['end'], d['noAnswer'], d['nBest'], d['maxLen'], 0.0)))`,
        { contexts: examples.map((e) => e.context), feats, start, end, noAnswer, nBest, maxLen: maxAnswerLength },
      );
      expect(py).toEqual(app);
      expect(new Set(app).size).toBeGreaterThan(2);
    }
  });

  it('SQuAD exact match and F1: normalization, articles, punctuation, several golds, unanswerable', () => {
    const answers = ['Gustave  Eiffel!', 'the Sam', '', 'Eiffel', 'an arch', 'Sam Stan, the', 'something', 'GUSTAVE EIFFEL'];
    const preds = answers.map((answer, i) => ({ id: `q${i}`, answer, start: 0, end: 0, score: 0, nullScore: 0, nBest: [] }));
    const app = qaTask.metrics(preds, examples).metrics;
    const py = python<Record<string, number>>(`from studio_squad import squad_scores
d = json.load(sys.stdin); print(json.dumps(squad_scores(d['p'], d['g'])))`, { p: answers, g: examples.map((e) => e.answers.map((a) => a.text)) });
    expect(app.f1).toBeGreaterThan(app.exact_match);
    expect(Object.keys(py).sort()).toEqual(Object.keys(app).sort());
    for (const k of Object.keys(app)) expect(Math.abs(py[k]! - app[k]!), k).toBeLessThan(1e-12);
  });
});

describe('studio_qa.py makes the app’s windows', () => {
  it('same tokens, context offsets and answer positions as main/tasks/qa.ts for every window (stride, long question, answer at a window edge)', () => {
    const words = 'the old bridge over the river tees was built by sam stan in 1894 and painted red by the town council in 1920 after a long debate about cost'.split(' ');
    const vocab = new Map<string, number>(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...new Set([...words, 'who', 'built', 'painted', 'when', 'what', 'was', '?', 'a', 'b', '##s', '##t'])].map((w, i) => [w, i]));
    const tok = createWordPieceTokenizer({ vocab, lowercase: true });
    const context = words.join(' ');
    const q = (question: string, text: string): QaExample => ({ id: question, question, context, answers: text ? [{ text, start: context.indexOf(text) }] : [] });
    const examples = [q('who built the bridge?', 'sam stan'), q('when was it painted?', '1920'), q('who painted it?', 'the town council'), q('what was the debate about?', 'cost'), q('who?', ''), q('who built the old bridge over the river tees and when was it painted red by the town council?', 'bridge')];
    // What the tokenizer gives train.py: each text alone (ids, offsets) and one probe pair for the template.
    const texts = new Map<string, { input_ids: number[]; offset_mapping: [number, number][] }>();
    for (const t of [...examples.flatMap((e) => [e.question, e.context]), 'a', 'b']) texts.set(t, { input_ids: tok.tokenize(t).map((p) => p.id), offset_mapping: tok.tokenize(t).map((p) => [p.start, p.end]) });
    const probe = tok.encodePair('a', 'b');
    for (const [maxLength, stride] of [[16, 4], [24, 8], [20, 0], [64, 128]] as const) {
      const app = qaTask.features(examples, tok, { maxLength, stride, labels: { names: [] } });
      const py = python<{ ids: number[]; types: number[]; offsets: ([number, number] | null)[]; start: number; end: number; example: number }[]>(
        `import studio_qa
d = json.load(sys.stdin)
class Tok:
    def __call__(self, text, text_pair=None, add_special_tokens=True, return_offsets_mapping=False):
        return d['probe'] if text_pair is not None else d['texts'][text]
split = studio_qa.QaSplit(d['rows'], Tok(), {'hp': {'maxLength': d['maxLength'], 'stride': d['stride']}})
print(json.dumps([{'ids': i['input_ids'], 'types': i['token_type_ids'], 'offsets': o, 'start': i['start_positions'], 'end': i['end_positions'], 'example': k} for i, o, k in zip(split.items, split.offsets, split.example_of)]))`,
        { rows: examples, texts: Object.fromEntries(texts), probe: { input_ids: probe.ids, token_type_ids: probe.tokenTypeIds }, maxLength, stride },
      );
      expect(py).toEqual(app.map((f) => ({ ids: f.inputIds, types: f.tokenTypeIds, offsets: f.offsets, start: f.startPosition, end: f.endPosition, example: f.example })));
      if (maxLength < 64) expect(app.length).toBeGreaterThan(examples.length * 2);
      expect(app.some((f) => f.startPosition! > 0)).toBe(true);
    }
  });
});
