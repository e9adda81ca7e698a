// The official SQuAD v2 evaluation script's answer normalization, exact match and token F1.

// Python's string.punctuation: ASCII only, as the official script uses.
const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python 3's \b is Unicode-aware; JavaScript's is ASCII-only, so spell the boundary out.
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;

/** lower → drop punctuation → articles a/an/the to spaces → collapse whitespace. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunct = Array.from(lower)
    .filter((ch) => !PUNCT.has(ch))
    .join('');
  return noPunct.replace(ARTICLES, ' ').split(/\s+/u).filter(Boolean).join(' ');
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Token-overlap F1; when either side is empty (no answer) it is 1 only if both are. */
export function tokenF1(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      same++;
      counts.set(t, n - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Best score over the gold answers. As the official script, gold answers that normalize to
 * nothing are dropped, and a question left with none is unanswerable: its only gold is ''.
 */
export function maxOverGold(prediction: string, golds: readonly string[], score: (p: string, g: string) => number): number {
  const kept = golds.filter((g) => normalizeAnswer(g) !== '');
  const gs = kept.length === 0 ? [''] : kept;
  return Math.max(...gs.map((g) => score(prediction, g)));
}
