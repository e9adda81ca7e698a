#!/usr/bin/env node
// Rebuilds the bundled samples in resources/samples/ from the normalized copies in
// ../shared/data (provenance and licences: their SOURCE.md files and resources/samples/NOTICE.md).
// Why these selections: each sample's default run (a tiny model from scratch, Quick preset) must
// end clearly above its trivial baseline — see README "Samples" for the measured numbers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(root, '../shared/data');
const out = path.join(root, 'resources/samples');

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// Banking77 support tickets: every training row of the first 20 topics in the file's order
// (2,511 rows). 13 rows of each of the 77 topics (the first sample) left a tiny model at 1%.
const TOPICS = 20;
const [header, ...rows] = parseCsv(fs.readFileSync(path.join(data, 'banking77/train.csv'), 'utf8'));
if (header.join(',') !== 'text,label') throw new Error(`unexpected banking77 header ${header.join(',')}`);
const topics = [...new Set(rows.map((r) => r[1]))].slice(0, TOPICS);
const kept = rows.filter((r) => topics.includes(r[1]));
fs.writeFileSync(path.join(out, 'banking77-support-tickets.csv'), ['text,label', ...kept.map((r) => `${quote(r[0])},${quote(r[1])}`)].join('\n') + '\n');
console.log(`banking77-support-tickets.csv: ${kept.length} rows, ${topics.length} topics`);

// WNUT-17: the whole training file (3,394 sentences); its first 1,000 sentences gave entity F1 0.07.
fs.copyFileSync(path.join(data, 'wnut17/train.conll'), path.join(out, 'wnut17-emerging-entities.conll'));
console.log('wnut17-emerging-entities.conll: the whole training file');

// WNUT-17 entity questions (question answering): the same tweets and forum posts asked one fixed
// short question per entity type that occurs exactly once in the sentence ("Which person?", …);
// the answer is the entity's span, the context the sentence's tokens joined by one space.
// All three WNUT-17 files (train, validation, test) give 2,496 questions. XQuAD (232 Wikipedia
// questions, then all 991) stayed at F1 0.02–0.09 from scratch: a tiny model cannot learn to read
// paragraphs from so few; XQuAD's sentences alone gave 0.19, WNUT-17's training file alone 0.24.
const QUESTIONS = {
  person: 'Which person?',
  location: 'Which place?',
  corporation: 'Which company?',
  product: 'Which product?',
  'creative-work': 'Which creative work?',
  group: 'Which group?',
};
const articles = [];
let questions = 0;
for (const split of ['train', 'validation', 'test']) {
  const sentences = fs
    .readFileSync(path.join(data, `wnut17/${split}.conll`), 'utf8')
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.split('\t')))
    .filter((tokens) => tokens.length);
  const paragraphs = [];
  sentences.forEach((tokens, i) => {
    let context = '';
    const spans = [];
    let open = null;
    for (const [token, tag = 'O'] of tokens) {
      if (context) context += ' ';
      const start = context.length;
      context += token;
      if (tag.startsWith('B-')) spans.push((open = { type: tag.slice(2), start, end: context.length }));
      else if (tag.startsWith('I-') && open?.type === tag.slice(2)) open.end = context.length;
      else open = null;
    }
    const qas = [];
    for (const type of Object.keys(QUESTIONS)) {
      const ofType = spans.filter((s) => s.type === type);
      if (ofType.length !== 1) continue; // none, or two of a kind: the question would be ambiguous
      const [s] = ofType;
      qas.push({ id: `${split}-${i + 1}-${type}`, question: QUESTIONS[type], answers: [{ text: context.slice(s.start, s.end), answer_start: s.start }] });
    }
    if (qas.length) paragraphs.push({ context, qas });
    questions += qas.length;
  });
  articles.push({ title: `WNUT-17 ${split}`, paragraphs });
}
const unknown = new Set();
for (const split of ['train', 'validation', 'test'])
  for (const l of fs.readFileSync(path.join(data, `wnut17/${split}.conll`), 'utf8').split(/\r?\n/)) {
    const tag = l.split('\t')[1];
    if (tag && tag !== 'O' && !(tag.slice(2) in QUESTIONS)) unknown.add(tag);
  }
if (unknown.size) throw new Error(`WNUT-17 tags without a question: ${[...unknown].join(', ')}`);
fs.writeFileSync(path.join(out, 'wnut17-entity-questions.json'), JSON.stringify({ version: '1.1', data: articles }) + '\n');
console.log(`wnut17-entity-questions.json: ${questions} questions on ${articles.reduce((n, a) => n + a.paragraphs.length, 0)} sentences`);
