// Comparison aid (not part of the product or its tests): writes the exact token ids and labels
// BERT Studio trains and evaluates on for a dataset — same validation hold-out, same learned
// WordPiece vocabulary, same truncation — so torch_train.py can train PyTorch on identical input.
// Usage: npx tsx scripts/reference/dump-features.ts banking77 OUT.json
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importDataset } from '../../main/data/index.ts';
import { loadExamples, openStore } from '../../main/store/index.ts';
import { getTask } from '../../main/tasks/registry.ts';
import type { TaskModule } from '../../main/tasks/types.ts';
import { prepareModel, textsOf } from '../../main/train/prepare.ts';
import { presetHyperparameters } from '../../main/train/presets.ts';
import { holdOutValidation } from '../../main/train/run-service.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const CASES: Record<string, { files: string[]; maxLength: number }> = {
  banking77: { files: ['banking77/train.csv', 'banking77/test.csv'], maxLength: 64 },
};

const [name = 'banking77', out = 'features.json'] = process.argv.slice(2);
const c = CASES[name];
if (!c) throw new Error(`unknown case ${name}`);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dump-features-'));
const store = openStore(home);
try {
  const { dataset } = await importDataset(store, c.files.map((f) => path.join(DATA, f)), { task: 'classification', project: 'ref', maxLength: c.maxLength });
  if (!dataset) throw new Error('import failed');
  const hp = presetHyperparameters({ preset: 'balanced', task: 'classification', trainRows: dataset.splits.train, scratch: 'tiny' });
  let train = loadExamples(store, dataset.id, 'train') as unknown[];
  let validation = loadExamples(store, dataset.id, 'validation') as unknown[];
  const test = loadExamples(store, dataset.id, 'test') as unknown[];
  // The same seeded 10% hold-out as a run.
  if (validation.length === 0) ({ train, validation } = holdOutValidation(train, hp.seed));
  const task = getTask('classification') as TaskModule<unknown, unknown>;
  const labels = task.labelSet([...train, ...validation]);
  const prepared = await prepareModel({ task: 'classification', base: { kind: 'scratch', size: 'tiny' }, labels, trainTexts: textsOf('classification', train), workDir: home, seed: hp.seed, maxLength: c.maxLength });
  const feats = (ex: unknown[]) => task.features(ex, prepared.tokenizer, { maxLength: c.maxLength, labels }).map((f) => ({ ids: f.inputIds, label: f.label ?? -100 }));
  fs.writeFileSync(out, JSON.stringify({ name, vocabSize: prepared.tokenizer.vocabSize, numLabels: labels.names.length, padId: prepared.tokenizer.special.pad.id, train: feats(train), validation: feats(validation), test: feats(test) }));
  console.log(`${out}: train ${train.length}, validation ${validation.length}, test ${test.length}, vocab ${prepared.tokenizer.vocabSize}, labels ${labels.names.length}`);
} finally {
  store.close();
  fs.rmSync(home, { recursive: true, force: true });
}
