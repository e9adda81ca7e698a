// Quality benchmark (not part of `npm test`): trains from-scratch tiny models on real data with
// fixed settings and prints one JSON line per dataset — wall time, time to reach the target,
// and test metrics — next to the PyTorch reference numbers of issue 5/8.
// Usage: npm run bench:quality [-- banking77|snips]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importDataset } from '../main/data/index.ts';
import { openStore } from '../main/store/db.ts';
import { presetHyperparameters } from '../main/train/presets.ts';
import { createTrainingRun, executeRun } from '../main/train/run-service.ts';
import type { TaskName } from '../main/tasks/types.ts';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');

interface Case {
  name: string;
  task: TaskName;
  files: string[];
  hp: { epochs: number; batchSize: number; lr: number; maxLength: number; patience: number };
  /** Dropout when the case pins one (default: the from-scratch preset's). */
  dropout?: number;
  /** Validation value of `target.metric` whose first crossing is timed. */
  target: { metric: string; value: number };
  pytorch: Record<string, number | string>;
}

const CASES: Case[] = [
  {
    name: 'banking77',
    task: 'classification',
    files: ['banking77/train.csv', 'banking77/test.csv'],
    hp: { epochs: 30, batchSize: 32, lr: 1e-3, maxLength: 64, patience: 6 },
    target: { metric: 'accuracy', value: 0.85 },
    // scripts/reference/torch_train.py on the same token ids and settings, back to back (README).
    pytorch: { test_accuracy: 0.844, best_validation_accuracy: 0.827, seconds: 601, note: 'same token ids, dropout 0.1, 30 epochs, 2 threads, load ~5' },
  },
  {
    name: 'snips',
    task: 'intent',
    files: ['snips/train_joint.csv', 'snips/validation_joint.csv', 'snips/test_joint.csv'],
    hp: { epochs: 20, batchSize: 32, lr: 1e-3, maxLength: 48, patience: 5 },
    // Token-level tasks train from scratch with dropout 0.05 (main/train/scratch.ts); pinned so
    // the README's numbers stay reproducible if that default moves.
    dropout: 0.05,
    target: { metric: 'intent_accuracy', value: 0.96 },
    pytorch: { test_intent_accuracy: 0.974, test_slot_f1: 0.842, seconds: 713 },
  },
];

async function runCase(c: Case): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `bench-quality-${c.name}-`));
  const store = openStore(home);
  try {
    const t0 = Date.now();
    const { dataset, report } = await importDataset(store, c.files.map((f) => path.join(DATA, f)), { task: c.task, project: 'bench', maxLength: c.hp.maxLength });
    if (!dataset) throw new Error(`import failed: ${report.errors.slice(0, 3).map((e) => e.message).join(' ')}`);
    const hp = { ...presetHyperparameters({ preset: 'balanced', task: c.task, trainRows: dataset.splits.train, scratch: 'tiny' }), ...c.hp };
    const vocab = flag('vocab');
    const run = createTrainingRun(store, dataset.projectId, dataset.id, { task: c.task, base: { kind: 'scratch', size: 'tiny', ...(vocab ? { vocabSize: vocab } : {}), ...((flag('dropout') ?? c.dropout) !== undefined ? { dropout: flag('dropout') ?? c.dropout } : {}) }, hp });
    const start = Date.now();
    let reachedAt: number | null = null;
    const result = await executeRun(store, home, run.id, {
      onEvent: (e) => {
        if (e.type === 'evaluation') {
          process.stderr.write(`${c.name} epoch ${e.epoch.toFixed(0)}: validation ${JSON.stringify(e.validation)} ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
          if (reachedAt === null && (e.validation[c.target.metric] ?? 0) >= c.target.value) reachedAt = (Date.now() - start) / 1000;
        }
      },
    });
    return {
      bench: 'quality',
      dataset: c.name,
      model: 'tiny (from scratch)',
      settings: { ...c.hp, warmupRatio: hp.warmupRatio, weightDecay: hp.weightDecay, seed: hp.seed, vocab: 'WordPiece 8k trained on train split' },
      splits: dataset.splits,
      train_seconds: (Date.now() - start) / 1000,
      total_seconds_with_import: (Date.now() - t0) / 1000,
      [`seconds_to_validation_${c.target.metric}_${c.target.value}`]: reachedAt,
      stopped: result.stopped,
      best_epoch: result.bestEpoch,
      validation: result.metrics.validation,
      test: result.metrics.test,
      pytorch_reference: c.pytorch,
      machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores`,
    };
  } finally {
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// --patience N / --vocab N / --lr X override the case settings (for tuning experiments).
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
for (const c of CASES) {
  const patience = flag('patience');
  const lr = flag('lr');
  if (patience !== undefined) c.hp.patience = patience;
  if (lr !== undefined) c.hp.lr = lr;
  const epochs = flag('epochs');
  if (epochs !== undefined) c.hp.epochs = epochs;
}
for (const c of CASES) if (only.length === 0 || only.some((o) => o === c.name)) console.log(JSON.stringify(await runCase(c)));
