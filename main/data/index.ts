/** Data import: preview a file, analyze it (the report), import it into the store. */
export { analyzeImport, importDataset, previewFile, readExamples } from './import.ts';
export type { ImportResult, Preview } from './import.ts';
export type * from './types.ts';
export { approxTokenCount } from './tokens.ts';
