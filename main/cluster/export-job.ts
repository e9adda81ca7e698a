import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.ts';
import { getTask } from '../tasks/registry.ts';
import { saveModelFolder } from '../train/model-folder.ts';
import { prepareModel, textsOf } from '../train/prepare.ts';
import { baseModelName, runDirOf } from '../train/run-service.ts';
import { ACCELERATE_CONFIG, jobReadme, REQUIREMENTS } from './job-text.ts';
import { pythonRows } from './job-examples.ts';
import { JobExportError, jobData, jobFile, type JobFile } from './job-spec.ts';

const PYTHON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python');
export const PYTHON_FILES = ['train.py', 'studio_metrics.py', 'studio_ner.py', 'studio_intent.py', 'studio_qa.py', 'studio_squad.py'] as const;

export interface ExportedJob {
  folder: string;
  job: JobFile;
  files: string[];
}

function writeJsonl(file: string, rows: readonly unknown[]): void {
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

/** Plain files of a Hugging Face folder (config, weights, tokenizer), copied so the job runs offline. */
function copyFolderFiles(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) if (e.isFile()) fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
}

/**
 * `bert-studio export-job`: the run as a folder a cluster can train with transformers.Trainer.
 * A from-scratch run's base is written as the app would start it — the vocabulary learned from
 * the training texts and the seeded random initial weights — so both start from the same model.
 * A pretrained base is referenced by its folder, and copied in with `includeBase`.
 */
export async function exportJob(store: Store, home: string, runId: number, out: string, opts: { includeBase?: boolean } = {}): Promise<ExportedJob> {
  const d = jobData(store, runId);
  const folder = path.resolve(out);
  if (fs.existsSync(folder) && fs.readdirSync(folder).length > 0) throw new JobExportError(`${folder} is not empty. Choose a new folder for the job (it holds data, a model and scripts).`);
  fs.mkdirSync(path.join(folder, 'data'), { recursive: true });
  for (const split of ['train', 'validation', 'test'] as const) writeJsonl(path.join(folder, 'data', `${split}.jsonl`), pythonRows(d.task, d.splits[split]));

  let base: JobFile['base'];
  if (d.spec.base.kind === 'scratch') {
    // The trainer learned the run's vocabulary into its run folder; reuse it, or learn the same one.
    const runDir = runDirOf(home, runId);
    const work = fs.existsSync(path.join(runDir, 'tokenizer', 'vocab.txt')) ? runDir : path.join(folder, '.work');
    const prepared = await prepareModel({ task: d.task, base: d.spec.base, labels: d.labels, trainTexts: textsOf(d.task, d.splits.train), workDir: work, seed: d.spec.hp.seed, maxLength: d.spec.hp.maxLength });
    saveModelFolder(path.join(folder, 'base'), { config: prepared.config, head: getTask(d.task).headSpec(d.labels), labels: d.labels, params: prepared.weights, tokenizerDir: prepared.tokenizerDir, maxLength: d.spec.hp.maxLength, task: d.task });
    if (work !== runDir) fs.rmSync(work, { recursive: true, force: true });
    base = { kind: 'scratch', path: 'base', source: baseModelName(d.spec.base) };
  } else {
    const dir = d.spec.base.dir;
    if (opts.includeBase) {
      if (!fs.existsSync(dir)) throw new JobExportError(`The base model folder ${dir} of run ${runId} is gone, so it cannot be copied. Add the model again (bert-studio models add) or export without --include-base.`);
      copyFolderFiles(dir, path.join(folder, 'base'));
    }
    base = { kind: 'pretrained', path: opts.includeBase ? 'base' : dir, source: dir };
  }

  const job = jobFile(runId, d, base);
  fs.writeFileSync(path.join(folder, 'job.json'), JSON.stringify(job, null, 2) + '\n');
  for (const f of PYTHON_FILES) fs.copyFileSync(path.join(PYTHON_DIR, f), path.join(folder, f));
  fs.writeFileSync(path.join(folder, 'requirements.txt'), REQUIREMENTS);
  fs.writeFileSync(path.join(folder, 'accelerate_config.yaml'), ACCELERATE_CONFIG);
  fs.writeFileSync(path.join(folder, 'README.md'), jobReadme(runId, job.splits, job.monitor, job.hp.batchSize, base.kind === 'scratch' ? `${base.source}, initial weights in base/` : base.path));
  const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(folder, path.join(e.parentPath, e.name))).sort();
  return { folder, job, files };
}
