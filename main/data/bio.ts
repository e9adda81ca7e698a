/**
 * BIO tag sequences. In BIO every entity starts with B-X; I-X may only follow B-X or I-X.
 * IOB1 (older CoNLL files) starts entities with I-X and uses B-X only to separate two adjacent
 * entities of the same type; it is converted to BIO on import.
 */

export type TagScheme = 'bio' | 'iob1';

function split(tag: string): { prefix: string; type: string } {
  const m = /^([BIES])-(.+)$/.exec(tag);
  return m ? { prefix: m[1], type: m[2] } : { prefix: tag === 'O' ? 'O' : '?', type: '' };
}

export interface TagProblem {
  /** 0-based position of the offending tag. */
  index: number;
  kind: 'i-without-b' | 'bad-tag';
  tag: string;
  previous: string;
}

/** Problems in a BIO sequence: I-X not after B-X/I-X, and tags that are neither O nor B-/I-X. */
export function checkBio(tags: readonly string[]): TagProblem[] {
  const out: TagProblem[] = [];
  let prev = 'O';
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    const { prefix, type } = split(t);
    if (prefix === '?' || prefix === 'E' || prefix === 'S') out.push({ index: i, kind: 'bad-tag', tag: t, previous: prev });
    else if (prefix === 'I') {
      const p = split(prev);
      if (!((p.prefix === 'B' || p.prefix === 'I') && p.type === type)) out.push({ index: i, kind: 'i-without-b', tag: t, previous: prev });
    }
    prev = t;
  }
  return out;
}

/** Counts the two signatures that tell IOB1 from BIO in a sample of sentences. */
export class SchemeDetector {
  /** I-X starting an entity (after O, another type, or at the start): normal in IOB1, invalid in BIO. */
  iStarts = 0;
  /** B-X after O or at the start: normal in BIO, never produced by IOB1. */
  bStarts = 0;

  add(tags: readonly string[]): void {
    let prev = 'O';
    for (const t of tags) {
      const c = split(t);
      const p = split(prev);
      if (c.prefix === 'I' && !((p.prefix === 'B' || p.prefix === 'I') && p.type === c.type)) this.iStarts++;
      if (c.prefix === 'B' && p.prefix === 'O') this.bStarts++;
      prev = t;
    }
  }

  get scheme(): TagScheme {
    return this.iStarts > 0 && this.bStarts === 0 ? 'iob1' : 'bio';
  }
}

/** IOB1 → BIO: an I-X that starts an entity becomes B-X. */
export function iob1ToBio(tags: readonly string[]): string[] {
  const out: string[] = [];
  let prev = 'O';
  for (const t of tags) {
    const c = split(t);
    const p = split(prev);
    out.push(c.prefix === 'I' && !((p.prefix === 'B' || p.prefix === 'I') && p.type === c.type) ? `B-${c.type}` : t);
    prev = t;
  }
  return out;
}
