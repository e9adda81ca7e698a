import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importDataset } from '../data/index.ts';
import { openStore } from '../store/db.ts';
import { loadExamples } from '../store/index.ts';
import type { ImportReport } from '../data/index.ts';
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
 * without touching the user's store (a throw-away store in a temp folder holds them).
 * All rows are returned, whatever split the importer would have given them.
 */
export async function readExamplesFromFile(file: string, task: Task, signal?: AbortSignal): Promise<{ examples: unknown[]; report: ImportReport }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-read-'));
  const store = openStore(tmp);
  try {
    const { report, dataset } = await importDataset(store, [file], { task, project: 'scratch', ratios: { train: 1, validation: 0, test: 0 }, validationFromTrain: false }, { signal });
    if (!dataset) throw new DataFileError(`${file} has problems that must be fixed first:`, report.errors.slice(0, 20).map((e) => e.message));
    return { examples: loadExamples(store, dataset.id), report };
  } finally {
    store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
