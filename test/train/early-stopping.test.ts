import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../main/models/safetensors.ts';
import type { TrainEvent } from '../../main/train/events.ts';
import { presetHyperparameters } from '../../main/train/presets.ts';
import { train } from '../../main/train/trainer.ts';

const root = path.resolve(import.meta.dirname, '../..');

function banking(): { text: string; labels: string[] }[] {
  const lines = readFileSync(path.join(root, 'test/fixtures/train/banking4-240.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const i = l.lastIndexOf(',');
    return { text: l.slice(0, i).replace(/^"|"$/g, ''), labels: [l.slice(i + 1)] };
  });
}

describe('early stopping on a tiny dataset', () => {
  it('stops when validation stops improving, as validation loss rises, and restores the best weights', async () => {
    const all = banking();
    const trainSet = all.slice(0, 32);
    const validation = all.slice(200, 240);
    const events: Extract<TrainEvent, { type: 'evaluation' }>[] = [];
    const hp = { ...presetHyperparameters({ preset: 'balanced', task: 'classification', trainRows: 32, scratch: 'tiny' }), epochs: 80, batchSize: 8, maxLength: 32, lr: 2e-3, patience: 5, warmupRatio: 0 };
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'bs-early-'));
    const result = await train({
      task: 'classification',
      train: trainSet,
      validation,
      base: { kind: 'scratch', size: 'tiny', vocabSize: 400 },
      hp,
      runDir,
      onEvent: (e) => {
        if (e.type === 'evaluation') events.push(e);
      },
    });
    expect(result.stopped).toBe('early');
    expect(events.length).toBeLessThan(60);
    // Overfitting: the training sample is learned while validation loss climbs from its minimum.
    const losses = events.map((e) => e.validation.loss);
    const minLoss = Math.min(...losses);
    expect(losses[losses.length - 1]).toBeGreaterThan(minLoss * 1.05);
    expect(events[events.length - 1].train.macro_f1).toBeGreaterThan(0.95);
    // The restored weights are the best evaluation's: same file content, same validation metric.
    const best = events.reduce((b, e) => (e.validation.macro_f1 > b.validation.macro_f1 ? e : b));
    expect(result.metrics.validation.macro_f1).toBeCloseTo(best.validation.macro_f1, 6);
    expect(result.bestEpoch).toBe(Math.ceil(best.epoch));
    const saved = readSafetensors(path.join(result.modelDir, 'model.safetensors'));
    const bestWeights = readSafetensors(path.join(runDir, 'best.safetensors'));
    for (const [name, t] of bestWeights) expect(Buffer.from(saved.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
  });
});
