/** The project store's public surface: open it, then call the repository functions. */
export { openStore, DB_FILE_NAME } from './db.ts';
export type { Store } from './db.ts';
export { NewerDatabaseError, SCHEMA_VERSION } from './migrations/index.ts';
export { createProject, getProject, findProjectByName, ensureProject, listProjects, renameProject, deleteProject, DuplicateProjectError } from './projects.ts';
export { getDataset, listDatasets, deleteDataset, insertDatasetFromStaging } from './datasets.ts';
export type { NewDataset } from './datasets.ts';
export { loadExamples, iterateExamples, countExamples, createStaging } from './examples.ts';
export type { ExampleStaging, StagedExample } from './examples.ts';
export { createRun, getRun, listRuns, updateRun, deleteRun, failInterruptedRuns } from './runs.ts';
export { appendMetrics, listMetrics } from './metrics.ts';
export { saveBaseline, getBaseline } from './baselines.ts';
export { addArtifact, listArtifacts, deleteArtifact } from './artifacts.ts';
export type * from './types.ts';
export { TASKS, SPLITS, RUN_STATUSES, ARTIFACT_KINDS } from './types.ts';
