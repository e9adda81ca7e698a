import { describe, expect, it } from 'vitest';
import { CsvParser, detectDelimiter, parseCsv } from '../../main/data/csv.ts';
import { detectHeader } from '../../main/data/source-csv.ts';

describe('CSV parser (RFC 4180)', () => {
  it('handles quoted delimiters, doubled quotes, newlines inside quotes and CRLF, with start lines', () => {
    const { records, unterminatedAt } = parseCsv('text,label\r\n"a, ""b""\r\nc",x\r\n\r\nplain,y\r\n', ',');
    expect(unterminatedAt).toBeUndefined();
    expect(records).toEqual([
      { line: 1, fields: ['text', 'label'] },
      { line: 2, fields: ['a, "b"\r\nc', 'x'] },
      { line: 5, fields: ['plain', 'y'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'h1;h2\n"q;""x""\ny";2\r\nlast;3';
    const whole = parseCsv(text, ';').records;
    for (let size = 1; size <= 5; size++) {
      const p = new CsvParser(';');
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...p.push(text.slice(i, i + size)));
      out.push(...p.end().records);
      expect(out).toEqual(whole);
    }
  });

  it('counts lines inside quoted fields across chunk boundaries (CR | LF split)', () => {
    const p = new CsvParser(',');
    const out = [...p.push('a,"x\r'), ...p.push('\ny\r\nz"\r'), ...p.push('\nnext,1\n')];
    out.push(...p.end().records);
    expect(out.map((r) => r.line)).toEqual([1, 4]);
  });

  it('reports the line where a never-closed quote opened', () => {
    const r = parseCsv('a,b\nok,1\n"open,2\nmore,3\n', ',');
    expect(r.unterminatedAt).toBe(3);
  });

  it('keeps quotes inside unquoted fields as ordinary characters', () => {
    expect(parseCsv('5" screen,x\n', ',').records[0].fields).toEqual(['5" screen', 'x']);
  });
});

describe('delimiter and header detection', () => {
  it('picks the delimiter that splits rows consistently', () => {
    expect(detectDelimiter('text;label\nhello, world;a\nbye, now;b\n')).toBe(';');
    expect(detectDelimiter('text\tlabel\nhello, world\ta\nbye; now\tb\n')).toBe('\t');
    expect(detectDelimiter('text|label\nhello|a\nbye|b\n')).toBe('|');
    expect(detectDelimiter('text,label\n"a; b",x\n"c; d",y\n')).toBe(',');
  });

  it('knows a header by its names, or by short names above long texts', () => {
    expect(detectHeader([['Description', 'Queue'], ['x', 'y']])).toBe(true);
    expect(detectHeader([['note', 'kind'], ['this is a long free text written by a customer', 'a'], ['another long free text that a customer wrote', 'b']])).toBe(true);
    expect(detectHeader([['the printer is broken again today', 'hardware'], ['my laptop will not start at all', 'hardware']])).toBe(false);
  });
});
