import type { Problem } from './types.ts';

/** A problem that makes a whole file unreadable (empty, binary, not JSON …). */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** How many problems of one code are listed; the rest are only counted (1M bad rows must not mean 1M messages). */
export const LIST_LIMIT = 50;

/**
 * Collects problems, listing at most LIST_LIMIT per code and counting all of them, so the
 * report stays small while the totals stay exact.
 */
export class ProblemLog {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  readonly counts: Record<string, number> = {};
  private errorTotal = 0;
  private readonly errorCodes = new Set<string>();

  /** In strict mode every warning blocks the import like an error (CI checks of data files). */
  constructor(private readonly strict = false) {}

  add(problem: Problem): void {
    const p: Problem = this.strict && problem.severity === 'warning' ? { ...problem, severity: 'error' } : problem;
    const n = (this.counts[p.code] = (this.counts[p.code] ?? 0) + 1);
    if (p.severity === 'error') {
      this.errorTotal++;
      this.errorCodes.add(p.code);
    }
    if (n <= LIST_LIMIT) (p.severity === 'error' ? this.errors : this.warnings).push(p);
  }

  get errorCount(): number {
    return this.errorTotal;
  }

  private isError(code: string): boolean {
    return this.errorCodes.has(code);
  }

  /** Appends one line per capped code: "… and 120 more rows with empty text." */
  finish(): void {
    for (const [code, n] of Object.entries(this.counts)) {
      if (n <= LIST_LIMIT) continue;
      const list = this.isError(code) ? this.errors : this.warnings;
      const first = list.find((p) => p.code === code);
      if (!first) continue;
      list.push({ severity: first.severity, code, message: `… and ${n - LIST_LIMIT} more like this (${code}); ${n} in all. Fix the ones listed and import again to see the rest.` });
    }
    const byLine = (a: Problem, b: Problem) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0);
    // Keep file-level problems (no line) first, then rows in file order; summaries last.
    this.errors.sort((a, b) => (a.message.startsWith('…') ? 1 : 0) - (b.message.startsWith('…') ? 1 : 0) || byLine(a, b));
    this.warnings.sort((a, b) => (a.message.startsWith('…') ? 1 : 0) - (b.message.startsWith('…') ? 1 : 0) || byLine(a, b));
  }
}

/** "train.csv line 12, column 'text'" — the place a user should look. */
export function where(file: string, line?: number, column?: string, unit: 'line' | 'row' = 'line'): string {
  let s = file;
  if (line !== undefined) s += ` ${unit} ${line}`;
  if (column !== undefined) s += `, column '${column}'`;
  return s;
}
