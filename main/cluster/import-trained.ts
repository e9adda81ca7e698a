import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/index.ts';
import { addArtifact, appendMetrics, createRun, getDataset, getRun, loadExamples, updateRun } from '../store/index.ts';
import type { NewMetric } from '../store/types.ts';
import { evaluateExamples } from '../train/evaluate.ts';
import { readStudioInfo, STUDIO_FILE } from '../train/model-folder.ts';
import { holdOutValidation, runDirOf, type RunSpec } from '../train/run-service.ts';
import { loadTrainedModel } from '../train/trained-model.ts';
import { JobExportError } from './job-spec.ts';

/** train.py writes this into bert_studio.json: the app run the job was exported from. */
export const EXPORTED_RUN_KEY = 'exportedRun';

/** The run a trained folder says it came from (an exported job's output), if any. */
export function exportedRunOf(dir: string): number | undefined {
  const file = path.join(dir, STUDIO_FILE);
  if (!fs.existsSync(file)) return undefined;
  const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)[EXPORTED_RUN_KEY];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export interface ImportedRun {
  runId: number;
  sourceRun: number;
  metrics: { validation: Record<string, number>; test: Record<string, number> };
}

/**
 * Brings a model trained elsewhere (an exported job's `output/model`) back as a run of the
 * source run's project and dataset: the folder is copied into the new run's folder, the app
 * evaluates it on the same validation and test examples the source run used, and History lists
 * it beside the source run with those metrics (`final_*`, as a local run stores them).
 */
export async function importTrainedRun(store: Store, home: string, dir: string, sourceRunId: number): Promise<ImportedRun> {
  const folder = path.resolve(dir);
  const source = getRun(store, sourceRunId);
  if (!source) throw new JobExportError(`${folder} was trained from run ${sourceRunId}, which is not in this BERT Studio home. Import it where that run was exported from (--home), or train it there again.`);
  if (source.datasetId === null || !getDataset(store, source.datasetId)) throw new JobExportError(`The dataset of run ${sourceRunId} was deleted, so ${folder} cannot be evaluated on it.`);
  for (const f of ['config.json', 'model.safetensors', STUDIO_FILE]) if (!fs.existsSync(path.join(folder, f))) throw new JobExportError(`${path.join(folder, f)} is missing: give the model folder the job wrote (output/model).`);
  const info = readStudioInfo(folder);
  if (info?.task !== source.task) throw new JobExportError(`${folder} is a ${info?.task ?? 'unknown'} model but run ${sourceRunId} is ${source.task}.`);

  const spec = source.config as unknown as RunSpec;
  let validation = loadExamples(store, source.datasetId, 'validation');
  let train = loadExamples(store, source.datasetId, 'train');
  if (validation.length === 0) ({ train, validation } = holdOutValidation(train, spec.hp.seed));
  const test = loadExamples(store, source.datasetId, 'test');

  // The source run's settings, not its device plan: this model was trained elsewhere.
  const { plan: _plan, ...settings } = source.config;
  const run = createRun(store, { projectId: source.projectId, datasetId: source.datasetId, task: source.task, baseModel: source.baseModel, config: { ...settings, importedFrom: folder, sourceRun: sourceRunId }, device: 'cluster (imported)' });
  const modelDir = path.join(runDirOf(home, run.id), 'model');
  try {
    fs.mkdirSync(modelDir, { recursive: true });
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) if (e.isFile()) fs.copyFileSync(path.join(folder, e.name), path.join(modelDir, e.name));
    const trained = await loadTrainedModel(modelDir);
    const metrics: ImportedRun['metrics'] = { validation: {}, test: {} };
    try {
      const head = trained.task.headSpec(trained.info.labels);
      for (const [split, examples] of [['validation', validation], ['test', test]] as const) {
        if (examples.length === 0) continue;
        const features = trained.task.features(examples, trained.tokenizer, { maxLength: trained.info.maxLength, labels: trained.info.labels, stride: spec.hp.stride });
        const r = await evaluateExamples(trained.model, trained.task, examples, features, { padId: trained.tokenizer.special.pad.id, head, batchSize: 64, decode: trained.decode });
        metrics[split] = r.metrics;
      }
    } finally {
      await trained.dispose();
    }
    const points: NewMetric[] = [];
    for (const split of ['validation', 'test'] as const) for (const [name, value] of Object.entries(metrics[split])) points.push({ step: 0, epoch: 0, split, name: `final_${name}`, value });
    appendMetrics(store, run.id, points);
    const weights = path.join(modelDir, 'model.safetensors');
    addArtifact(store, { runId: run.id, kind: 'hf', path: modelDir, size: fs.statSync(weights).size, sha256: sha256(weights) });
    const monitor = source.bestMetricName ?? Object.keys(metrics.validation).find((k) => k !== 'loss') ?? null;
    const now = new Date().toISOString();
    updateRun(store, run.id, { status: 'completed', stoppedReason: 'imported', startedAt: now, finishedAt: now, bestMetricName: monitor, bestMetric: monitor !== null ? (metrics.validation[monitor] ?? null) : null });
    return { runId: run.id, sourceRun: sourceRunId, metrics };
  } catch (err) {
    updateRun(store, run.id, { status: 'failed', error: `Importing ${folder} failed: ${err instanceof Error ? err.message : String(err)}` });
    throw err;
  }
}
