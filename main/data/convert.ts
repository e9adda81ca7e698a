import type { AnyExample, ColumnMapping, QaAnswer, Task } from '../store/types.ts';
import type { TagScheme } from './bio.ts';
import { checkBio, iob1ToBio } from './bio.ts';
import type { RawRecord } from './source.ts';
import type { Problem } from './types.ts';

/** An example ready to store, with the keys the dataset-level checks need. */
export interface Converted {
  example: AnyExample;
  /** Text compared for duplicates. */
  dedupeKey: string;
  /** Text that must not be split across train/test (QA: the context). */
  groupKey: string;
  /** Same dedupeKey with a different labelKey = conflicting labels. Empty: not checked. */
  labelKey: string;
  /** Labels counted in the distribution (classification labels, intent, NER tags). */
  labels: string[];
  /** Intent slot tags, counted separately. */
  slots: string[];
  /** Stratum for the automatic split. */
  stratum: string;
  /** Text measured for the truncation estimate. */
  lengthText: string;
  /** Tokens, when the data is already word-tokenized. */
  tokenCount?: number;
  answerable?: boolean;
  /** How to name the example in messages besides its line (QA: the question id). */
  ref?: string;
  /** The raw split column value, when mapped. */
  splitValue?: unknown;
}

export interface ConvertOptions {
  task: Task;
  mapping: ColumnMapping;
  scheme: TagScheme;
  file: string;
  unit: 'line' | 'row';
}

type Report = (p: Omit<Problem, 'file' | 'severity'> & { severity?: Problem['severity'] }) => void;

function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Tokens or tags given as a JSON array or a whitespace-separated string. */
function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str);
  const s = str(v).trim();
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map(str);
    } catch {
      // Not JSON: fall through to whitespace splitting.
    }
  }
  return s === '' ? [] : s.split(/\s+/);
}

/** Builds the per-record converter for one file; it reports row problems and returns undefined for rows that cannot be used. */
export function makeConverter(o: ConvertOptions): (rec: RawRecord, report: Report) => Converted | undefined {
  const m = o.mapping;
  const at = (line: number, col?: string) => `${o.file} ${o.unit} ${line}${col !== undefined ? `, column '${col}'` : ''}`;
  const where = (rec: RawRecord) => (typeof rec.values.file === 'string' ? `${o.file}/${rec.values.file}` : at(rec.line));

  const bio = (rec: RawRecord, tags: string[], tokens: string[], col: string, report: Report, conll: boolean): string[] | undefined => {
    const fixed = o.scheme === 'iob1' ? iob1ToBio(tags) : tags;
    const problems = checkBio(fixed);
    for (const p of problems.slice(0, 3)) {
      const line = conll ? rec.line + p.index : rec.line;
      const pos = conll ? '' : ` (word ${p.index + 1}, '${tokens[p.index] ?? ''}')`;
      const type = p.tag.replace(/^[A-Z]-/, '');
      report({
        code: p.kind === 'bad-tag' ? 'invalid-tag' : 'invalid-bio',
        line,
        column: col,
        message:
          p.kind === 'bad-tag'
            ? `${at(line, col)}: the tag '${p.tag}'${pos} is not BIO. Use O, or B-TYPE / I-TYPE (e.g. B-person).`
            : `${at(line, col)}: '${p.tag}'${pos} follows '${p.previous}', but an entity must start with B-${type}. Change it to B-${type}, or fix the tag before it.`,
      });
    }
    return problems.length ? undefined : fixed;
  };

  const needText = (rec: RawRecord, col: string | undefined, what: string, report: Report): string | undefined => {
    const v = col === undefined ? rec.values.text : rec.values[col];
    const s = str(v);
    if (s.trim() === '') {
      report({ code: 'empty-text', line: rec.line, column: col, message: `${col === undefined ? where(rec) : at(rec.line, col)}: the ${what} is empty. Fill it in or delete the ${o.unit}.` });
      return undefined;
    }
    return s;
  };

  const needLabel = (rec: RawRecord, col: string | undefined, what: string, report: Report): string | undefined => {
    const s = str(col === undefined ? rec.values.label : rec.values[col]).trim();
    if (s === '') report({ code: 'missing-label', line: rec.line, column: col, message: `${col === undefined ? where(rec) : at(rec.line, col)}: the ${what} is missing. Add it, or delete the ${o.unit} if it cannot be labelled.` });
    return s || undefined;
  };

  switch (o.task) {
    case 'classification':
      return (rec, report) => {
        const text = needText(rec, m.text, 'text', report);
        const raw = m.label === undefined ? rec.values.label : rec.values[m.label];
        let labels: string[];
        if (Array.isArray(raw)) labels = raw.map((l) => str(l).trim()).filter(Boolean);
        else if (m.labelSep) labels = str(raw).split(m.labelSep).map((l) => l.trim()).filter(Boolean);
        else labels = [str(raw).trim()].filter(Boolean);
        labels = [...new Set(labels)];
        if (labels.length === 0) needLabel(rec, m.label, 'label', report);
        if (text === undefined || labels.length === 0) return undefined;
        const key = [...labels].sort().join('\u0001');
        return { example: { text, labels }, dedupeKey: text, groupKey: text, labelKey: key, labels, slots: [], stratum: labels[0], lengthText: text, splitValue: m.split && rec.values[m.split] };
      };
    case 'intent':
      return (rec, report) => {
        const conll = Array.isArray(rec.values.tokens);
        const text = conll ? (rec.values.tokens as unknown[]).map(str).join(' ') : needText(rec, m.text, 'text', report);
        const intent = needLabel(rec, conll ? 'intent' : m.intent, 'intent', report);
        if (text === undefined || intent === undefined) return undefined;
        const slotCol = conll ? 'tags' : m.slots;
        let tokens: string[] | undefined;
        let slots: string[] | undefined;
        if (slotCol !== undefined) {
          tokens = conll ? list(rec.values.tokens) : m.tokens ? list(rec.values[m.tokens]) : text.split(/\s+/).filter(Boolean);
          const tags = list(rec.values[slotCol]);
          if (tags.length !== tokens.length) {
            report({ code: 'token-tag-mismatch', line: rec.line, column: slotCol, message: `${at(rec.line, slotCol)}: ${tags.length} slot tag${tags.length === 1 ? '' : 's'} for ${tokens.length} word${tokens.length === 1 ? '' : 's'} of the text. Give exactly one tag per space-separated word (O for none).` });
            return undefined;
          }
          slots = bio(rec, tags, tokens, slotCol, report, conll);
          if (!slots) return undefined;
        }
        const example = { text, intent, ...(tokens && slots ? { tokens, slots } : {}) };
        return { example, dedupeKey: text, groupKey: text, labelKey: intent, labels: [intent], slots: slots ?? [], stratum: intent, lengthText: text, splitValue: m.split && rec.values[m.split] };
      };
    case 'ner':
      return (rec, report) => {
        const tokCol = m.tokens ?? 'tokens';
        const tagCol = m.tags ?? 'tags';
        const conll = Array.isArray(rec.values.tokens) && m.tokens === undefined;
        const tokens = list(rec.values[tokCol]);
        const rawTags = list(rec.values[tagCol]);
        if (tokens.length === 0) {
          report({ code: 'empty-text', line: rec.line, column: tokCol, message: `${at(rec.line, tokCol)}: there are no tokens. Fill them in or delete the ${o.unit}.` });
          return undefined;
        }
        if (rawTags.length !== tokens.length) {
          report({ code: 'token-tag-mismatch', line: rec.line, column: tagCol, message: `${at(rec.line, tagCol)}: ${rawTags.length} tag${rawTags.length === 1 ? '' : 's'} for ${tokens.length} token${tokens.length === 1 ? '' : 's'}. Give exactly one tag per token (O for none).` });
          return undefined;
        }
        const tags = bio(rec, rawTags, tokens, tagCol, report, conll);
        if (!tags) return undefined;
        const text = tokens.join(' ');
        return { example: { tokens, tags }, dedupeKey: text, groupKey: text, labelKey: tags.join(' '), labels: tags, slots: [], stratum: '', lengthText: text, tokenCount: tokens.length, splitValue: m.split && rec.values[m.split] };
      };
    case 'qa':
      return (rec, report) => {
        const context = needText(rec, m.context ?? 'context', 'context', report);
        const question = needText(rec, m.question ?? 'question', 'question', report);
        if (context === undefined || question === undefined) return undefined;
        const answers = qaAnswers(rec, m);
        const givenId = str(m.id !== undefined ? rec.values[m.id] : rec.values.id);
        const id = givenId || `${o.file}:${rec.line}`;
        const ref = givenId ? ` (question ${givenId})` : '';
        const checked: QaAnswer[] = [];
        const col = m.answer ?? 'answers';
        for (const a of answers) {
          if (a.text === '') continue;
          if (a.start === undefined) {
            const found = context.indexOf(a.text);
            if (found === -1) {
              report({ code: 'answer-not-found', line: rec.line, column: col, message: `${at(rec.line, col)}${ref}: the answer '${clip(a.text)}' does not occur in the context. Fix the answer text or the context.` });
              return undefined;
            }
            checked.push({ text: a.text, start: found });
            continue;
          }
          if (context.slice(a.start, a.start + a.text.length) !== a.text) {
            const found = context.indexOf(a.text);
            const hint = found === -1 ? 'It does not occur in the context at all: fix the answer text.' : `It occurs at offset ${found}: set the start to ${found}.`;
            report({ code: 'answer-offset', line: rec.line, column: m.answerStart ?? col, message: `${at(rec.line, m.answerStart ?? col)}${ref}: the answer '${clip(a.text)}' is not at offset ${a.start} of the context (found '${clip(context.slice(a.start, a.start + a.text.length))}' there). ${hint}` });
            return undefined;
          }
          checked.push({ text: a.text, start: a.start });
        }
        const example = { id, context, question, answers: checked };
        return { example, dedupeKey: question + '\n' + context, groupKey: context, labelKey: '', labels: [], slots: [], stratum: checked.length ? 'answerable' : 'unanswerable', lengthText: question + ' ' + context, answerable: checked.length > 0, ref: givenId ? `question ${givenId}` : undefined, splitValue: m.split && rec.values[m.split] };
      };
  }
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

/** Answers from SQuAD-style lists, Hugging Face {text: [], answer_start: []}, or two columns. */
function qaAnswers(rec: RawRecord, m: ColumnMapping): { text: string; start?: number }[] {
  const toStart = (v: unknown): number | undefined => {
    if (v === undefined || v === null || str(v).trim() === '') return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : -1;
  };
  let raw = rec.values[m.answer ?? 'answers'];
  // A spreadsheet cell may hold SQuAD-style answers as JSON text.
  if (typeof raw === 'string' && /^\s*[[{]/.test(raw)) {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      // Not JSON: the cell is the answer text itself.
    }
  }
  if (Array.isArray(raw)) return raw.map((a) => (typeof a === 'object' && a !== null ? { text: str((a as { text?: unknown }).text), start: toStart((a as { start?: unknown; answer_start?: unknown }).start ?? (a as { answer_start?: unknown }).answer_start) } : { text: str(a) }));
  if (raw && typeof raw === 'object') {
    const o = raw as { text?: unknown[]; answer_start?: unknown[] };
    if (Array.isArray(o.text)) return o.text.map((t, i) => ({ text: str(t), start: toStart(o.answer_start?.[i]) }));
  }
  const text = str(raw);
  return text.trim() === '' ? [] : [{ text, start: toStart(m.answerStart !== undefined ? rec.values[m.answerStart] : undefined) }];
}
