// 'auto' device choice by measurement: a training step of the run's own model shape (random
// weights, a synthetic batch of the run's batch × max length), timed on each device, cached per
// machine and shape in the app's data folder so the next run of that shape does not pay for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngineModel, randomInitWeights, type Batch, type HeadSpec, type ModelConfig } from '../engine/api.ts';
import type { TrainDevice } from './device.ts';

export interface TimedShape {
  config: ModelConfig;
  head: HeadSpec;
  batch: number;
  seq: number;
  freezeLayers: number;
}

function shapeKey(s: TimedShape, device: TrainDevice): string {
  const c = s.config;
  // The machine: CPU model and cores (a GPU change shows up as a new probe reason upstream).
  const machine = `${os.cpus()[0]?.model ?? 'cpu'}×${os.availableParallelism()}`;
  return [machine, device, c.modelType, c.numLayers, c.hiddenSize, c.intermediateSize, c.vocabSize, s.head.kind, s.batch, s.seq, s.freezeLayers].join('|');
}

function synthetic(s: TimedShape): Batch {
  const n = s.batch * s.seq;
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(1 + ((i * 7919) % Math.max(1, s.config.vocabSize - 1))));
  const b: Batch = { batch: s.batch, seq: s.seq, inputIds: ids, attentionMask: new BigInt64Array(n).fill(1n) };
  switch (s.head.kind) {
    case 'sequence-classification':
      b.labels = s.head.multiLabel ? new Float32Array(s.batch * s.head.numLabels) : new BigInt64Array(s.batch);
      break;
    case 'token-classification':
      b.labels = new BigInt64Array(n);
      break;
    case 'question-answering':
      b.startPositions = new BigInt64Array(s.batch);
      b.endPositions = new BigInt64Array(s.batch);
      break;
    case 'joint-intent-slots':
      b.labels = new BigInt64Array(s.batch);
      b.slotLabels = new BigInt64Array(n);
      break;
  }
  return b;
}

/** The faster of 2 steps after one warm-up (which opens the sessions and compiles kernels). */
export async function measureStep(device: TrainDevice, s: TimedShape): Promise<number> {
  const model = await createEngineModel({ config: s.config, head: s.head, weights: randomInitWeights(s.config, s.head, 1), adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 }, device, ...(s.freezeLayers > 0 ? { freezeLayers: s.freezeLayers } : {}) });
  try {
    const batch = synthetic(s);
    const times: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const t = performance.now();
      await model.step(batch, { lr: 1e-5, step: i, seed: 1, dropout: true });
      if (i > 1) times.push((performance.now() - t) / 1000);
    }
    return Math.min(...times);
  } finally {
    await model.dispose();
  }
}

/** measureStep with a JSON cache at `cacheFile` (absent: no cache). */
export function cachedStepTimer(s: TimedShape, cacheFile?: string, measure: typeof measureStep = measureStep): (device: TrainDevice) => Promise<number> {
  return async (device) => {
    const key = shapeKey(s, device);
    let cache: Record<string, number> = {};
    if (cacheFile && fs.existsSync(cacheFile)) {
      try {
        cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Record<string, number>;
      } catch {
        cache = {}; // A damaged cache is measured again, never an error.
      }
    }
    if (typeof cache[key] === 'number') return cache[key];
    const sec = await measure(device, s);
    if (cacheFile) {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, JSON.stringify({ ...cache, [key]: sec }, null, 1));
    }
    return sec;
  };
}

/** The timing cache of the app's data folder, from a run folder (HOME/runs/ID). */
export function timingCacheFor(runDir: string): string | undefined {
  const runs = path.dirname(path.resolve(runDir));
  return path.basename(runs) === 'runs' ? path.join(path.dirname(runs), 'device-timings.json') : undefined;
}
