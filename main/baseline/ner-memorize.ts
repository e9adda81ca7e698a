// NER baselines. Memorization (the CoNLL shared tasks' reference baseline): every word
// sequence tagged as an entity in training is remembered with its most frequent type, and a
// new sentence is tagged by the longest remembered sequence at each position, left to right.
// Majority tag: each word gets the tag it had most often in training (unseen words the most
// frequent tag overall, normally 'O') — the line a model must clear to have learned anything
// beyond a word list.
import { entities } from '../tasks/metrics/seqeval.ts';

export interface EntityMemory {
  /** Word sequence (joined by one space) → entity type. */
  types: Map<string, string>;
  longest: number;
}

/** Most frequent key of a count map; ties go to the alphabetically first, so fitting is deterministic. */
function mostFrequent(counts: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [k, c] of counts) if (c > n || (c === n && k < best)) [best, n] = [k, c];
  return best;
}

export function fitEntityMemory(sentences: readonly { words: readonly string[]; tags: readonly string[] }[]): EntityMemory {
  const seen = new Map<string, Map<string, number>>();
  let longest = 0;
  for (const s of sentences) {
    for (const e of entities(s.tags, 'strict')) {
      const key = s.words.slice(e.start, e.end).join(' ');
      const byType = seen.get(key) ?? new Map<string, number>();
      byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
      seen.set(key, byType);
      longest = Math.max(longest, e.end - e.start);
    }
  }
  return { types: new Map([...seen].map(([k, c]) => [k, mostFrequent(c)])), longest };
}

/** IOB2 tags for `words`: the longest remembered entity starting at each position wins. */
export function tagWithMemory(memory: EntityMemory, words: readonly string[]): string[] {
  const tags = words.map(() => 'O');
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let len = Math.min(memory.longest, words.length - i); len >= 1 && !matched; len--) {
      const type = memory.types.get(words.slice(i, i + len).join(' '));
      if (type === undefined) continue;
      for (let k = 0; k < len; k++) tags[i + k] = `${k === 0 ? 'B' : 'I'}-${type}`;
      matched = len;
    }
    i += matched || 1;
  }
  return tags;
}

export interface MajorityTags {
  byWord: Map<string, string>;
  fallback: string;
}

export function fitMajorityTags(sentences: readonly { words: readonly string[]; tags: readonly string[] }[]): MajorityTags {
  const counts = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  for (const s of sentences)
    s.words.forEach((w, i) => {
      const c = counts.get(w) ?? new Map<string, number>();
      c.set(s.tags[i], (c.get(s.tags[i]) ?? 0) + 1);
      counts.set(w, c);
      overall.set(s.tags[i], (overall.get(s.tags[i]) ?? 0) + 1);
    });
  return { byWord: new Map([...counts].map(([w, c]) => [w, mostFrequent(c)])), fallback: overall.size ? mostFrequent(overall) : 'O' };
}

export function tagWithMajority(m: MajorityTags, words: readonly string[]): string[] {
  return words.map((w) => m.byWord.get(w) ?? m.fallback);
}
