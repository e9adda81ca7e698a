// Entity-level scores for IOB tag sequences, as Python's `seqeval` computes them, in its two
// modes (they differ only in which spans count as entities; matching is exact on both):
// - 'default' (seqeval's default, conlleval-compatible): lenient chunking — an I-X after O or
//   after another type starts an entity, so "O I-LOC I-LOC" holds LOC over words 1–2.
//   The benchmark's snips slot F1 uses this mode.
// - 'strict' (seqeval mode='strict', scheme=IOB2): only B-X I-X* is an entity; an I- that does
//   not continue a B- of its type is dropped. BERT Studio's NER entity F1 uses this.
import type { ClassScores } from '../types.ts';

export type SeqevalMode = 'default' | 'strict';

/** An entity over words [start, end) of one sentence. */
export interface Entity {
  type: string;
  start: number;
  end: number;
}

/** seqeval's split of a tag: prefix = first character, type = after the first '-' ('_' if none). */
function parse(tag: string): { prefix: string; type: string } {
  if (tag === 'O' || tag === '') return { prefix: 'O', type: '_' };
  const dash = tag.indexOf('-');
  return { prefix: tag[0], type: (dash >= 0 ? tag.slice(dash + 1) : tag.slice(1)) || '_' };
}

export function entities(tags: readonly string[], mode: SeqevalMode): Entity[] {
  return mode === 'strict' ? strictIob2(tags) : lenient(tags);
}

/** seqeval.metrics.sequence_labeling.get_entities (end_of_chunk / start_of_chunk rules). */
function lenient(tags: readonly string[]): Entity[] {
  const out: Entity[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  [...tags, 'O'].forEach((t, i) => {
    const { prefix: tag, type } = parse(t);
    const end =
      prevTag === 'E' ||
      prevTag === 'S' ||
      (prevTag === 'B' && (tag === 'B' || tag === 'S' || tag === 'O')) ||
      (prevTag === 'I' && (tag === 'B' || tag === 'S' || tag === 'O')) ||
      (prevTag !== 'O' && prevTag !== '.' && prevType !== type);
    if (end) out.push({ type: prevType, start: begin, end: i });
    const start =
      tag === 'B' ||
      tag === 'S' ||
      (prevTag === 'E' && (tag === 'E' || tag === 'I')) ||
      (prevTag === 'S' && (tag === 'E' || tag === 'I')) ||
      (prevTag === 'O' && (tag === 'E' || tag === 'I')) ||
      (tag !== 'O' && tag !== '.' && prevType !== type);
    if (start) begin = i;
    prevTag = tag;
    prevType = type;
  });
  return out;
}

/** seqeval's Tokens.entities with the IOB2 scheme: B-X starts, I-X continues, nothing else counts. */
function strictIob2(tags: readonly string[]): Entity[] {
  const out: Entity[] = [];
  const parsed = tags.map(parse);
  for (let i = 0; i < parsed.length; ) {
    if (parsed[i].prefix !== 'B') {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < parsed.length && parsed[j].prefix === 'I' && parsed[j].type === parsed[i].type) j++;
    out.push({ type: parsed[i].type, start: i, end: j });
    i = j;
  }
  return out;
}

export interface SeqevalResult {
  precision: number;
  recall: number;
  f1: number;
  /** Word-level tag accuracy (seqeval's accuracy_score). */
  accuracy: number;
  perType: ClassScores[];
}

/** Micro-averaged entity precision/recall/F1 over all sentences, and per entity type. */
export function seqevalScores(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[], mode: SeqevalMode): SeqevalResult {
  if (gold.length !== pred.length) throw new Error(`${gold.length} gold sentences but ${pred.length} predicted.`);
  const key = (s: number, e: Entity): string => `${s}\u0000${e.type}\u0000${e.start}\u0000${e.end}`;
  const goldSet = new Map<string, string>();
  const predSet = new Map<string, string>();
  let correctTags = 0;
  let totalTags = 0;
  gold.forEach((g, s) => {
    const p = pred[s];
    if (p.length !== g.length) throw new Error(`Sentence ${s}: ${g.length} gold tags but ${p.length} predicted.`);
    for (const e of entities(g, mode)) goldSet.set(key(s, e), e.type);
    for (const e of entities(p, mode)) predSet.set(key(s, e), e.type);
    g.forEach((t, i) => {
      totalTags++;
      if (t === p[i]) correctTags++;
    });
  });
  const counts = new Map<string, { tp: number; nGold: number; nPred: number }>();
  const c = (t: string) => {
    let v = counts.get(t);
    if (!v) counts.set(t, (v = { tp: 0, nGold: 0, nPred: 0 }));
    return v;
  };
  for (const [k, t] of goldSet) {
    c(t).nGold++;
    if (predSet.has(k)) c(t).tp++;
  }
  for (const t of predSet.values()) c(t).nPred++;
  const safe = (n: number, d: number): number => (d === 0 ? 0 : n / d);
  const prf = (tp: number, nPred: number, nGold: number) => {
    const precision = safe(tp, nPred);
    const recall = safe(tp, nGold);
    return { precision, recall, f1: safe(2 * precision * recall, precision + recall) };
  };
  const perType = [...counts.keys()].sort().map((label) => {
    const v = c(label);
    return { label, ...prf(v.tp, v.nPred, v.nGold), support: v.nGold };
  });
  let tp = 0;
  for (const v of counts.values()) tp += v.tp;
  return { ...prf(tp, predSet.size, goldSet.size), accuracy: safe(correctTags, totalTags), perType };
}
