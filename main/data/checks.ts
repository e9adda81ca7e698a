import type { Split, Task } from '../store/types.ts';
import type { Converted } from './convert.ts';
import { fold, Grow, hash53, HashIndex } from './grow.ts';
import type { ProblemLog } from './problems.ts';
import type { Ratios } from './splits.ts';
import { SPLIT_CODES, stratifiedSplit, UNASSIGNED } from './splits.ts';
import { LengthStats } from './tokens.ts';
import type { LabelCount } from './types.ts';

/** Counts labels per example so per-split counts can be made once splits are assigned. */
class LabelTally {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  private readonly flat = new Grow(Int32Array);
  private readonly offsets = new Grow(Int32Array);

  add(labels: readonly string[]): void {
    this.offsets.push(this.flat.length);
    for (const l of labels) {
      let id = this.ids.get(l);
      if (id === undefined) {
        id = this.names.length;
        this.ids.set(l, id);
        this.names.push(l);
      }
      this.flat.push(id);
    }
  }

  counts(splitOf: (i: number) => number): LabelCount[] {
    const per = this.names.map(() => [0, 0, 0]);
    const n = this.offsets.length;
    for (let i = 0; i < n; i++) {
      const s = splitOf(i);
      const end = i + 1 < n ? this.offsets.get(i + 1) : this.flat.length;
      for (let k = this.offsets.get(i); k < end; k++) per[this.flat.get(k)][s]++;
    }
    return this.names
      .map((label, id) => ({ label, count: per[id][0] + per[id][1] + per[id][2], perSplit: { train: per[id][0], validation: per[id][1], test: per[id][2] } }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }
}

interface Place {
  file: string;
  line: number;
  unit: 'line' | 'row';
}

/**
 * Dataset-level checks, fed one example at a time in import order: duplicates (exact and
 * case/whitespace-folded), the same text with different labels, the same text in two given
 * splits (leakage), lengths and label counts. Keeps only hashes and small integers per example.
 */
export class DatasetChecks {
  private readonly files: Place[] = [];
  private readonly fileOf = new Grow(Uint16Array);
  private readonly lineOf = new Grow(Int32Array);
  private readonly given = new Grow(Uint8Array);
  private readonly exact = new Grow(Float64Array);
  private readonly labelHash = new Grow(Float64Array);
  private readonly groupOf = new Grow(Int32Array);
  private readonly firstByText = new HashIndex();
  private readonly groupByKey = new HashIndex();
  private readonly groupSize = new Grow(Int32Array);
  private readonly groupStratum = new Grow(Int32Array);
  private readonly groupGiven = new Grow(Uint8Array);
  private readonly strata = new Map<string, number>();
  readonly labels = new LabelTally();
  readonly slots = new LabelTally();
  readonly lengths: LengthStats;
  answerable = 0;
  unanswerable = 0;
  multiLabel = false;

  constructor(private readonly task: Task, maxLength: number, private readonly countTokens: (text: string) => number, private readonly log: ProblemLog) {
    this.lengths = new LengthStats(maxLength);
  }

  get count(): number {
    return this.lineOf.length;
  }

  setFile(place: Omit<Place, 'line'>): void {
    this.files.push({ ...place, line: 0 });
  }

  /** QA question ids: a SQuAD file is often one long line, so the line alone does not locate a question. */
  private readonly refs: string[] = [];

  private at(i: number): string {
    const f = this.files[this.fileOf.get(i)];
    const ref = this.refs[i];
    return `${f.file} ${f.unit} ${this.lineOf.get(i)}${ref !== undefined ? ` (${ref})` : ''}`;
  }

  /** Records example number `count` (0-based), whose given split is `split` or undefined for automatic. */
  add(c: Converted, line: number, split: Split | undefined): void {
    const i = this.count;
    this.fileOf.push(this.files.length - 1);
    this.lineOf.push(line);
    if (c.ref !== undefined) this.refs[i] = c.ref;
    const code = split === undefined ? UNASSIGNED : SPLIT_CODES.indexOf(split);
    this.given.push(code);
    const foldedText = fold(c.dedupeKey);
    const folded = hash53(foldedText);
    this.exact.push(hash53(c.dedupeKey));
    this.labelHash.push(hash53(c.labelKey));
    if (c.labels.length > 1 && this.task === 'classification') this.multiLabel = true;
    this.labels.add(c.labels);
    this.slots.add(c.slots);
    this.lengths.add(c.tokenCount ?? this.countTokens(c.lengthText));
    if (c.answerable === true) this.answerable++;
    if (c.answerable === false) this.unanswerable++;

    const first = this.firstByText.get(folded);
    if (first === undefined) this.firstByText.set(folded, i);
    else this.compare(first, i);

    // Examples that share a group key stay in one split; given test/validation rows are fixed.
    const g = code === 1 || code === 2 ? -1 : this.group(c.groupKey === c.dedupeKey ? foldedText : fold(c.groupKey), c.stratum, code);
    this.groupOf.push(g);
  }

  private group(foldedKey: string, stratum: string, code: number): number {
    const key = hash53(foldedKey, code);
    let g = this.groupByKey.get(key);
    if (g === undefined) {
      g = this.groupSize.length;
      this.groupByKey.set(key, g);
      this.groupSize.push(0);
      let s = this.strata.get(stratum);
      if (s === undefined) this.strata.set(stratum, (s = this.strata.size));
      this.groupStratum.push(s);
      this.groupGiven.push(code);
    }
    this.groupSize.set(g, this.groupSize.get(g) + 1);
    return g;
  }

  private compare(first: number, i: number): void {
    const a = this.given.get(first);
    const b = this.given.get(i);
    const sameText = this.exact.get(first) === this.exact.get(i);
    const f = this.files[this.fileOf.get(i)];
    const line = this.lineOf.get(i);
    if (a !== b && a !== UNASSIGNED && b !== UNASSIGNED) {
      this.log.add({ severity: 'warning', code: 'leakage', file: f.file, line, message: `${this.at(i)} (${SPLIT_CODES[b]}) has the same text${sameText ? '' : ', ignoring case and spacing,'} as ${this.at(first)} (${SPLIT_CODES[a]}): evaluation would test on training data. Delete one of them.` });
    } else {
      const kind = sameText ? 'duplicate' : 'near-duplicate';
      this.log.add({ severity: 'warning', code: kind, file: f.file, line, message: `${this.at(i)} ${sameText ? 'repeats' : 'is the same text, ignoring case and spacing, as'} ${this.at(first)}. Delete the copy unless the repetition is intended.` });
    }
    if (this.labelHash.get(first) !== this.labelHash.get(i) && this.task !== 'qa') {
      this.log.add({ severity: 'warning', code: 'conflicting-labels', file: f.file, line, message: `${this.at(i)} has the same text as ${this.at(first)} but a different ${this.task === 'ner' ? 'tagging' : 'label'}. Decide which is right and fix the other.` });
    }
  }

  /**
   * Decides every example's split: given ones keep theirs; automatic ones are split
   * stratified 80/10/10 by group; when the given splits have no validation, 10% of train
   * becomes validation (if `carve`). Returns the split code per example.
   */
  assignSplits(ratios: Ratios, seed: number, carve: boolean): { splitOf: (i: number) => number; tooRare: { stratum: string; count: number }[]; carved: boolean; source: 'file' | 'auto' | 'mixed' } {
    const n = this.count;
    let hasGiven = false;
    let hasAuto = false;
    let hasValidation = false;
    for (let i = 0; i < n; i++) {
      const c = this.given.get(i);
      if (c === UNASSIGNED) hasAuto = true;
      else hasGiven = true;
      if (c === 1) hasValidation = true;
    }
    const carved = carve && hasGiven && !hasValidation && n > 0;
    const strataNames = [...this.strata.keys()];
    const groups = this.groupSize.length;
    const splitGroups = (which: number, r: Ratios) => {
      const size = new Int32Array(groups);
      for (let g = 0; g < groups; g++) if (this.groupGiven.get(g) === which) size[g] = this.groupSize.get(g);
      const stratum = new Int32Array(groups);
      for (let g = 0; g < groups; g++) stratum[g] = this.groupStratum.get(g);
      return stratifiedSplit({ size, stratum, strata: strataNames }, r, seed);
    };
    const groupSplit = new Uint8Array(groups);
    const tooRare: { stratum: string; count: number }[] = [];
    if (hasAuto) {
      const auto = splitGroups(UNASSIGNED, ratios);
      for (let g = 0; g < groups; g++) if (this.groupGiven.get(g) === UNASSIGNED) groupSplit[g] = auto.groupSplit[g];
      tooRare.push(...auto.tooRare);
    }
    if (carved) {
      const fromTrain = splitGroups(0, { train: 0.9, validation: 0.1, test: 0 });
      for (let g = 0; g < groups; g++) if (this.groupGiven.get(g) === 0) groupSplit[g] = fromTrain.groupSplit[g];
    }
    const splitOf = (i: number) => {
      const c = this.given.get(i);
      if (c === 1 || c === 2) return c;
      return groupSplit[this.groupOf.get(i)];
    };
    return { splitOf, tooRare, carved, source: hasGiven && hasAuto ? 'mixed' : hasGiven ? 'file' : 'auto' };
  }
}
