import { readExamples, type ImportReport } from '../data/index.ts';
import type { Task } from '../store/types.ts';

export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}

/**
 * Reads labelled examples from a data file with the same readers and checks as an import,
 * in memory and without touching the user's store. All rows are returned, whatever split the
 * importer would have given them.
 */
export async function readExamplesFromFile(file: string, task: Task, signal?: AbortSignal): Promise<{ examples: unknown[]; report: ImportReport }> {
  const { report, examples } = await readExamples([file], { task, ratios: { train: 1, validation: 0, test: 0 }, validationFromTrain: false }, { signal });
  if (!report.ok) throw new DataFileError(`${file} has problems that must be fixed first:`, report.errors.slice(0, 20).map((e) => e.message));
  return { examples, report };
}
