import { lineCounter } from './json-scan.ts';
import type { RawRecord } from './source.ts';

interface SquadQa {
  id?: unknown;
  question?: unknown;
  answers?: unknown;
  is_impossible?: unknown;
}

/**
 * Flattens SQuAD v1.1/v2.0 ({data: [{title, paragraphs: [{context, qas: [...]}]}]}) into one
 * record per question: {id, context, question, answers: [{text, start}]}. v2's unanswerable
 * questions (is_impossible) keep an empty answer list; their plausible_answers are ignored.
 * Each record's line is where its question id appears in the file.
 */
export function squadRecords(doc: { data: unknown[] }, text: string, _file: string): RawRecord[] {
  const out: RawRecord[] = [];
  const lineOf = lineCounter(text);
  let cursor = 0;
  let n = 0;
  for (const article of doc.data) {
    const paragraphs = (article as { paragraphs?: unknown })?.paragraphs;
    if (!Array.isArray(paragraphs)) continue;
    for (const p of paragraphs) {
      const context = (p as { context?: unknown })?.context;
      const qas = (p as { qas?: unknown })?.qas;
      if (!Array.isArray(qas)) continue;
      for (const qa of qas as SquadQa[]) {
        n++;
        const id = typeof qa.id === 'string' || typeof qa.id === 'number' ? String(qa.id) : `question-${n}`;
        // Ids appear in file order, so one forward search per question finds its line.
        const at = text.indexOf(JSON.stringify(id), cursor);
        if (at !== -1) cursor = at;
        const impossible = qa.is_impossible === true;
        const answers = impossible || !Array.isArray(qa.answers) ? [] : (qa.answers as { text?: unknown; answer_start?: unknown }[]).map((a) => ({ text: a?.text, start: a?.answer_start }));
        out.push({ line: lineOf(cursor), values: { id, context, question: qa.question, answers } });
      }
    }
  }
  return out;
}
