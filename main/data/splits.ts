import type { Split } from '../store/types.ts';

const SPLIT_NAMES: Record<string, Split> = {
  train: 'train',
  training: 'train',
  trn: 'train',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  dev: 'validation',
  development: 'validation',
  eval: 'validation',
  test: 'test',
  testing: 'test',
  tst: 'test',
  heldout: 'test',
};

/** A split column's value → split, or undefined when it names none ('train', 'dev', 'Test' …). */
export function normalizeSplit(value: unknown): Split | undefined {
  if (typeof value !== 'string') return undefined;
  return SPLIT_NAMES[value.trim().toLowerCase().replace(/[^a-z]/g, '')];
}

/** The split a file or folder name implies: train.csv, snips_dev.conll, test/ … */
export function splitFromName(name: string): Split | undefined {
  const base = name.toLowerCase().replace(/\.[a-z0-9]+$/, '');
  for (const word of base.split(/[^a-z]+/)) {
    const s = SPLIT_NAMES[word];
    if (s) return s;
  }
  return undefined;
}

/** Mulberry32: a tiny seeded PRNG so the same file and seed always give the same split. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Ratios {
  train: number;
  validation: number;
  test: number;
}

/** Splits as small integers, for typed arrays indexed by example or group. */
export const SPLIT_CODES: readonly Split[] = ['train', 'validation', 'test'];
export const UNASSIGNED = 255;

export interface Groups {
  /** Number of examples in each group (a group = examples that must stay together: same text, same QA context). */
  size: Int32Array;
  /** Each group's stratum (label) as an index into `strata`. */
  stratum: Int32Array;
  strata: readonly string[];
}

/**
 * Seeded stratified split of groups into train/validation/test. Each stratum (label) is
 * shuffled and cut by the ratios, counting examples, so every class is represented in each
 * split in proportion. A stratum too small to give each held-out split at least one example
 * goes wholly to train and is returned in `tooRare`. Returns the split code of each group.
 */
export function stratifiedSplit(groups: Groups, ratios: Ratios, seed: number): { groupSplit: Uint8Array; tooRare: { stratum: string; count: number }[] } {
  const n = groups.size.length;
  const byStratum: number[][] = groups.strata.map(() => []);
  for (let g = 0; g < n; g++) byStratum[groups.stratum[g]].push(g);
  const groupSplit = new Uint8Array(n);
  const random = rng(seed);
  const tooRare: { stratum: string; count: number }[] = [];
  const held = (['validation', 'test'] as const).filter((s) => ratios[s] > 0);
  const sum = ratios.train + ratios.validation + ratios.test;
  const minShare = Math.min(...held.map((s) => ratios[s] / sum), 1);
  const order = groups.strata.map((name, i) => ({ name, i })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, i } of order) {
    const list = byStratum[i];
    const total = list.reduce((s, g) => s + groups.size[g], 0);
    if (total === 0) continue;
    if (held.length && Math.round(total * minShare) < 1) {
      tooRare.push({ stratum: name, count: total });
      continue; // groupSplit stays 0 = train
    }
    // Fisher–Yates with the seeded generator.
    for (let k = list.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [list[k], list[j]] = [list[j], list[k]];
    }
    const wantTest = Math.round((total * ratios.test) / sum);
    const wantVal = Math.round((total * ratios.validation) / sum);
    let test = 0;
    let val = 0;
    for (const g of list) {
      if (test < wantTest) {
        groupSplit[g] = 2;
        test += groups.size[g];
      } else if (val < wantVal) {
        groupSplit[g] = 1;
        val += groups.size[g];
      }
    }
  }
  return { groupSplit, tooRare };
}
