// Extractive question answering: the context is cut into overlapping windows (default 384
// tokens, stride 128); the answer is mapped to start/end tokens through character offsets
// (the [CLS] token, index 0, when a window does not contain it); decoding takes the best valid
// span over all windows (n-best 20, ≤ 30 tokens, end ≥ start, inside the context) and, for
// data with unanswerable questions, answers nothing when the null score wins (SQuAD v2).
import type { Tokenizer } from '../text/index.ts';
import { exactMatch, maxOverGold, tokenF1 } from './metrics/squad.ts';
import { gatherRows, topK } from './outputs.ts';
import type { BatchOutputs, DecodeOptions, Feature, FeatureOptions, LabelSet, MetricsReport, QaExample, TaskModule } from './types.ts';

export interface QaSpan {
  text: string;
  /** [start, end) characters in the context. */
  start: number;
  end: number;
  /** start logit + end logit. */
  score: number;
}

export interface QaPrediction {
  id: string;
  /** '' = no answer. */
  answer: string;
  /** Character range of the answer in the context; -1/-1 for no answer. */
  start: number;
  end: number;
  /** Best span score (null when no valid span exists), and the lowest [CLS] (null) score over the windows. */
  score: number | null;
  nullScore: number;
  /** The best spans, best first (at most nBest). */
  nBest: QaSpan[];
}

export interface QaDetails {
  /** Scores restricted to answerable and to unanswerable questions (SQuAD v2's HasAns/NoAns). */
  hasAnswer: { count: number; exact_match: number; f1: number };
  noAnswer: { count: number; exact_match: number; f1: number };
}

export const QA_DEFAULTS = { maxLength: 384, stride: 128, nBest: 20, maxAnswerLength: 30 };

function features(examples: readonly QaExample[], tokenizer: Tokenizer, o: FeatureOptions): Feature[] {
  const out: Feature[] = [];
  examples.forEach((ex, example) => {
    const windows = tokenizer.encodeWindows(ex.question, ex.context, { maxLength: o.maxLength ?? QA_DEFAULTS.maxLength, stride: o.stride ?? QA_DEFAULTS.stride });
    for (const w of windows) {
      const offsets = w.offsets.map((off, i) => (w.sequenceIds[i] === 1 ? off : null));
      const first = w.sequenceIds.indexOf(1);
      const last = w.sequenceIds.lastIndexOf(1);
      let startPosition = 0;
      let endPosition = 0;
      const answer = ex.answers[0];
      if (answer && first >= 0) {
        const startChar = answer.start;
        const endChar = answer.start + answer.text.length;
        if (w.offsets[first][0] <= startChar && w.offsets[last][1] >= endChar) {
          // Hugging Face's run_qa walk, bounded to the context: it would step onto [SEP] when the
          // answer starts in the window's last token, because [SEP]'s offsets are (0, 0).
          let s = first;
          while (s <= last && w.offsets[s][0] <= startChar) s++;
          let e = last;
          while (e >= first && w.offsets[e][1] >= endChar) e--;
          startPosition = s - 1;
          endPosition = e + 1;
        }
      }
      out.push({ example, inputIds: w.ids, attentionMask: w.attentionMask, tokenTypeIds: w.tokenTypeIds, wordIds: w.wordIds, offsets, startPosition, endPosition });
    }
  });
  return out;
}

function decode(examples: readonly QaExample[], feats: readonly Feature[], outputs: readonly BatchOutputs[], o: DecodeOptions): QaPrediction[] {
  const nBest = o.nBest ?? QA_DEFAULTS.nBest;
  const maxLen = o.maxAnswerLength ?? QA_DEFAULTS.maxAnswerLength;
  // Start/end logits are [S] per feature: width 1 per token.
  const starts = gatherRows(feats.length, outputs, 'startLogits', 1, true);
  const ends = gatherRows(feats.length, outputs, 'endLogits', 1, true);
  const byExample = examples.map((): number[] => []);
  feats.forEach((f, i) => byExample[f.example].push(i));
  return examples.map((ex, k) => {
    let nullScore = Infinity;
    const cands: QaSpan[] = [];
    for (const i of byExample[k]) {
      const f = feats[i];
      const n = f.inputIds.length; // padding beyond n is not the feature's
      const s = starts[i];
      const e = ends[i];
      nullScore = Math.min(nullScore, s[0] + e[0]);
      for (const a of topK(s, nBest, n)) {
        for (const b of topK(e, nBest, n)) {
          const oa = f.offsets?.[a];
          const ob = f.offsets?.[b];
          if (!oa || !ob || b < a || b - a + 1 > maxLen) continue;
          cands.push({ text: ex.context.slice(oa[0], ob[1]), start: oa[0], end: ob[1], score: s[a] + e[b] });
        }
      }
    }
    cands.sort((x, y) => y.score - x.score || x.start - y.start);
    const top = cands.slice(0, nBest);
    const best = top[0];
    const none = !best || (o.labels.noAnswer === true && nullScore - best.score > (o.nullScoreDiffThreshold ?? 0));
    return {
      id: ex.id,
      answer: none ? '' : best.text,
      start: none ? -1 : best.start,
      end: none ? -1 : best.end,
      score: best ? best.score : null,
      nullScore,
      nBest: top,
    };
  });
}

function metrics(preds: readonly QaPrediction[], gold: readonly QaExample[]): MetricsReport<QaDetails> {
  if (preds.length !== gold.length) throw new Error(`${gold.length} questions but ${preds.length} predictions.`);
  const em: number[] = [];
  const f1: number[] = [];
  gold.forEach((g, i) => {
    const golds = g.answers.map((a) => a.text);
    em.push(maxOverGold(preds[i].answer, golds, exactMatch));
    f1.push(maxOverGold(preds[i].answer, golds, tokenF1));
  });
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const part = (has: boolean) => {
    const idx = gold.map((g, i) => (g.answers.length > 0 === has ? i : -1)).filter((i) => i >= 0);
    return { count: idx.length, exact_match: mean(idx.map((i) => em[i])), f1: mean(idx.map((i) => f1[i])) };
  };
  return { metrics: { exact_match: mean(em), f1: mean(f1) }, details: { hasAnswer: part(true), noAnswer: part(false) } };
}

function labelSet(examples: readonly QaExample[]): LabelSet {
  return { names: [], noAnswer: examples.some((e) => e.answers.length === 0) };
}

export const qaTask: TaskModule<QaExample, QaPrediction, QaDetails> = {
  name: 'qa',
  monitor: 'f1',
  labelSet,
  features,
  headSpec: () => ({ kind: 'question-answering' }),
  decode,
  metrics,
};
