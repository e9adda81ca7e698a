import type { Encoding, FileInfo, Problem } from './types.ts';

/** One record of the user's file before mapping: field values by column name or JSON key. */
export interface RawRecord {
  /** 1-based line (text formats) or row (spreadsheets) where the record starts. */
  line: number;
  values: Record<string, unknown>;
  /** Folder imports: the split named by a train/ validation/ test/ folder. */
  split?: string;
}

export interface ReadContext {
  signal?: AbortSignal;
  onBytes?: (bytesRead: number) => void;
  /** Reports a problem in a record; the reader skips that record. */
  problem: (p: Omit<Problem, 'file'>) => void;
}

/** A file opened for import: what was detected, a sample for mapping and preview, and a full pass. */
export interface Source {
  info: FileInfo;
  /** The first records (up to ~200), for column guessing and preview. */
  sample: RawRecord[];
  /** Unit used in messages: spreadsheets have rows, text files lines. */
  unit: 'line' | 'row';
  /** Fixed-structure formats (CoNLL, SQuAD, folders) map their own fields. */
  fixedMapping: boolean;
  records(ctx: ReadContext): AsyncGenerator<RawRecord>;
}

export interface OpenOptions {
  sheet?: string;
  header?: boolean;
  delimiter?: string;
  encoding?: Encoding;
}

export const SAMPLE_SIZE = 200;
