import type { ColumnMapping, Task } from '../store/types.ts';

/** Column names analysts' files use for each field, normalized (lowercase, letters and digits only). */
const SYNONYMS: Record<Exclude<keyof ColumnMapping, 'labelSep'>, string[]> = {
  text: ['text', 'texts', 'sentence', 'utterance', 'description', 'body', 'content', 'message', 'resume', 'resumestr', 'review', 'comment', 'document', 'tweet', 'query', 'input', 'title', 'ticket', 'summary', 'abstract', 'txt'],
  label: ['label', 'labels', 'category', 'categories', 'class', 'classes', 'target', 'topic', 'sentiment', 'polarity', 'y', 'intent', 'output', 'tag', 'queue', 'department'],
  intent: ['intent', 'intents', 'label', 'category', 'class', 'target'],
  slots: ['slots', 'slot', 'slottags', 'bio', 'tags', 'seqout'],
  tokens: ['tokens', 'words', 'token', 'word', 'seqin'],
  tags: ['tags', 'nertags', 'ner', 'tag', 'bio', 'labels', 'label', 'entities'],
  context: ['context', 'passage', 'paragraph', 'document', 'contexts'],
  question: ['question', 'query', 'q', 'questions'],
  answer: ['answer', 'answertext', 'answers', 'answerstext'],
  answerStart: ['answerstart', 'start', 'startoffset', 'answeroffset', 'answersanswerstart'],
  id: ['id', 'qid', 'questionid', 'uid'],
  split: ['split', 'set', 'subset', 'partition', 'fold'],
};

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** True when a header cell looks like one of the column names above (header detection). */
export function isKnownColumnName(cell: string): boolean {
  const n = normalizeName(cell);
  return n !== '' && Object.values(SYNONYMS).some((list) => list.includes(n));
}

/** Which fields a task needs, and which it can use. */
export const FIELDS: Record<Task, { required: (keyof ColumnMapping)[]; optional: (keyof ColumnMapping)[] }> = {
  classification: { required: ['text', 'label'], optional: ['split'] },
  intent: { required: ['text', 'intent'], optional: ['slots', 'split'] },
  ner: { required: ['tokens', 'tags'], optional: ['split'] },
  qa: { required: ['context', 'question'], optional: ['answer', 'answerStart', 'id', 'split'] },
};

function avgLength(rows: readonly Record<string, unknown>[], col: string): number {
  let total = 0;
  let n = 0;
  for (const r of rows) {
    const v = r[col];
    if (v === undefined || v === null) continue;
    total += (typeof v === 'string' ? v : JSON.stringify(v)).length;
    n++;
  }
  return n ? total / n : 0;
}

function distinctRatio(rows: readonly Record<string, unknown>[], col: string): number {
  const seen = new Set<string>();
  for (const r of rows) seen.add(String(r[col] ?? ''));
  return rows.length ? seen.size / rows.length : 1;
}

/**
 * Guesses which column holds which field, first by name, then by contents (the text is the
 * column with the longest values; the label the short column with the fewest distinct values).
 * Fields in `overrides` are taken as given.
 */
export function guessMapping(task: Task, columns: readonly string[], sample: readonly Record<string, unknown>[], overrides: ColumnMapping = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<string>(Object.entries(overrides).filter(([k, v]) => k !== 'labelSep' && typeof v === 'string').map(([, v]) => v as string));
  const { required, optional } = FIELDS[task];
  for (const field of [...required, ...optional]) {
    if (field === 'labelSep') continue;
    const given = overrides[field];
    if (given !== undefined) {
      mapping[field] = given;
      continue;
    }
    const names = SYNONYMS[field];
    // Earlier synonyms are better matches: 'label' beats 'tag' for a label.
    let best: string | undefined;
    let bestRank = Infinity;
    for (const c of columns) {
      if (used.has(c)) continue;
      const rank = names.indexOf(normalizeName(c));
      if (rank !== -1 && rank < bestRank) [best, bestRank] = [c, rank];
    }
    if (best !== undefined) {
      mapping[field] = best;
      used.add(best);
    }
  }
  // Content-based fallback for headerless files or unusual names.
  const free = () => columns.filter((c) => !used.has(c));
  const textField = task === 'ner' ? undefined : task === 'qa' ? 'context' : 'text';
  if (textField && mapping[textField] === undefined && free().length) {
    const c = free().sort((a, b) => avgLength(sample, b) - avgLength(sample, a))[0];
    mapping[textField] = c;
    used.add(c);
  }
  const labelField = task === 'classification' ? 'label' : task === 'intent' ? 'intent' : undefined;
  if (labelField && mapping[labelField] === undefined) {
    const candidates = free().filter((c) => avgLength(sample, c) < 60);
    if (candidates.length) {
      const c = candidates.sort((a, b) => distinctRatio(sample, a) - distinctRatio(sample, b))[0];
      mapping[labelField] = c;
      used.add(c);
    }
  }
  if (overrides.labelSep !== undefined) mapping.labelSep = overrides.labelSep;
  return mapping;
}

/** The columns a mapping names, for checking they exist in every file. */
export function mappedColumns(mapping: ColumnMapping): [keyof ColumnMapping, string][] {
  return Object.entries(mapping).filter(([k, v]) => k !== 'labelSep' && typeof v === 'string') as [keyof ColumnMapping, string][];
}

/** Which CLI option overrides each field, for error messages. */
export const FIELD_OPTION: Partial<Record<keyof ColumnMapping, string>> = {
  text: '--text-col',
  label: '--label-col',
  intent: '--label-col',
  slots: '--slots-col',
  tokens: '--tokens-col',
  tags: '--label-col',
  context: '--context-col',
  question: '--question-col',
  answer: '--answer-col',
  answerStart: '--answer-start-col',
  split: '--split-col',
};

/** Guesses the task from the fields present (used by the preview before the user picks one). */
export function guessTask(columns: readonly string[]): Task {
  const has = (field: keyof typeof SYNONYMS) => columns.some((c) => SYNONYMS[field].includes(normalizeName(c)));
  if (has('context') && has('question')) return 'qa';
  if (has('tokens') && has('tags')) return 'ner';
  if (has('slots') && has('text')) return 'intent';
  return 'classification';
}
