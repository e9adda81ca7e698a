// A run's baseline is stored once and read back after the store is closed and reopened.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineForRun } from '../../main/baseline/for-run.ts';
import { loadTextClassifier } from '../../main/baseline/model-file.ts';
import { runCardFacts } from '../../main/export/run-facts.ts';
import { createRun, deleteRun, ensureProject, getBaseline, openStore } from '../../main/store/index.ts';
import { tempDir } from '../store/helpers.ts';

const c = (text: string, label: string) => ({ text, labels: [label] });

describe('baselines in the store', () => {
  it('trains once, survives a restart, reloads the fitted model, and goes with its run', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const job = { task: 'classification' as const, train: [c('refund me', 'billing'), c('parcel late', 'shipping')], validation: [c('refund', 'billing')], test: [c('late parcel', 'shipping')], labels: { names: ['billing', 'shipping'] } };
      let store = openStore(dir);
      const run = createRun(store, { projectId: ensureProject(store, 'P').id, datasetId: null, task: 'classification', baseModel: 'from-scratch-tiny', config: {} });
      const runDir = path.join(dir, 'runs', String(run.id));
      const first = await baselineForRun(store, run.id, runDir, job);
      expect(first).toMatchObject({ kind: 'tfidf-svm', validation: { accuracy: 1 }, test: { accuracy: 1 }, modelPath: path.join(runDir, 'baseline') });
      store.close();
      store = openStore(dir);
      // Stored: asking again returns the same row without training (an empty job would fail to train).
      expect(await baselineForRun(store, run.id, runDir, { ...job, train: [] })).toEqual(first);
      expect(fs.readdirSync(first.modelPath!).sort()).toEqual(['baseline.json', 'weights.f32']);
      expect(loadTextClassifier(first.modelPath!).labels).toEqual(['billing', 'shipping']);
      // The model card of the run's export reports it next to the model's metrics.
      expect(runCardFacts(store, run.id).baseline).toEqual({ name: 'keyword baseline', validation: first.validation, test: first.test });
      deleteRun(store, run.id);
      expect(getBaseline(store, run.id)).toBeUndefined();
      store.close();
      expect(fs.existsSync(first.modelPath!)).toBe(true);
    } finally {
      cleanup();
    }
  });
});
