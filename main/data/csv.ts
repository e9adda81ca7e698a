/**
 * RFC 4180 CSV/TSV parsing over string chunks: quoted fields may hold delimiters, doubled
 * quotes and newlines. Every record carries the 1-based line it starts on, so problems can be
 * reported where the user will look for them.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvParser {
  private readonly delim: number;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** The previous char was a quote inside a quoted field: either an escaped quote or the close. */
  private quotePending = false;
  private afterCr = false;
  private crInQuotes = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 0;
  private fieldStarted = false;

  constructor(delimiter: string) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses a chunk and returns the records it completed. */
  push(chunk: string, out: CsvRecord[] = []): CsvRecord[] {
    const d = this.delim;
    let start = 0; // start of the pending unquoted run, copied in bulk for speed
    const flushRun = (end: number) => {
      if (end > start) this.field += chunk.slice(start, end);
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            this.field += '"';
            start = i + 1;
            continue;
          }
          this.inQuotes = false; // that quote closed the field; fall through to handle c
        } else {
          if (c === QUOTE) {
            flushRun(i);
            this.quotePending = true;
            start = i + 1;
          } else if (c === CR || (c === LF && !this.crInQuotes)) {
            // CR, LF and CRLF each end one line, even when a chunk ends between CR and LF.
            this.line++;
          }
          this.crInQuotes = c === CR;
          continue;
        }
      }
      if (c === d) {
        flushRun(i);
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = true;
        start = i + 1;
      } else if (c === LF || c === CR) {
        flushRun(i);
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (c === CR) this.afterCr = true;
        start = i + 1;
      } else if (c === QUOTE && this.field === '' && start === i) {
        // A quote opens a field only at its start; elsewhere it is an ordinary character.
        this.inQuotes = true;
        this.fieldStarted = true;
        this.quoteLine = this.line;
        start = i + 1;
      } else {
        this.fieldStarted = true;
      }
    }
    flushRun(chunk.length);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.fieldStarted;
    if (!blank) out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
  }

  /**
   * Finishes the input. Returns the last record, and `unterminatedAt`: the line where a quote
   * was opened and never closed (the remainder of the file was swallowed into one field).
   */
  end(out: CsvRecord[] = []): { records: CsvRecord[]; unterminatedAt?: number } {
    let unterminatedAt: number | undefined;
    if (this.inQuotes && !this.quotePending) unterminatedAt = this.quoteLine;
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field !== '' || this.fields.length > 0 || this.fieldStarted) this.endRecord(out);
    return { records: out, ...(unterminatedAt !== undefined ? { unterminatedAt } : {}) };
  }
}

/** Parses a whole string (tests, small samples). */
export function parseCsv(text: string, delimiter: string): { records: CsvRecord[]; unterminatedAt?: number } {
  const p = new CsvParser(delimiter);
  const records = p.push(text);
  const end = p.end();
  return { records: records.concat(end.records), ...(end.unterminatedAt !== undefined ? { unterminatedAt: end.unterminatedAt } : {}) };
}

export const DELIMITERS = [',', '\t', ';', '|'] as const;

/**
 * Picks the delimiter that splits the sample's records into the same number (> 1) of fields
 * most consistently. `preferred` (from a .tsv extension) wins ties.
 */
export function detectDelimiter(sample: string, preferred?: string): string {
  // Cut at the last newline so a partial last record does not skew the counts.
  const cut = sample.lastIndexOf('\n');
  const text = cut > 0 ? sample.slice(0, cut) : sample;
  let best = { delim: preferred ?? ',', score: 0 };
  const order = preferred ? [preferred, ...DELIMITERS.filter((d) => d !== preferred)] : [...DELIMITERS];
  for (const d of order) {
    const { records } = parseCsv(text, d);
    const rows = records.slice(0, 200);
    if (rows.length === 0) continue;
    const freq = new Map<number, number>();
    for (const r of rows) freq.set(r.fields.length, (freq.get(r.fields.length) ?? 0) + 1);
    let mode = 1;
    let modeCount = 0;
    for (const [k, v] of freq) if (v > modeCount || (v === modeCount && k > mode)) [mode, modeCount] = [k, v];
    if (mode < 2) continue;
    const score = modeCount / rows.length + Math.min(mode, 10) * 1e-3;
    if (score > best.score + 1e-9) best = { delim: d, score };
  }
  return best.delim;
}
