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
