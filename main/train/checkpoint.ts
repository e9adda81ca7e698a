import fs from 'node:fs';
import path from 'node:path';
import type { TensorData } from '../engine/api.ts';
import { readSafetensors, writeSafetensors } from '../models/safetensors.ts';
import { recoverDir, replaceDirAtomic } from './atomic.ts';
import type { EarlyStoppingState } from './early-stopping.ts';

/**
 * Everything a killed run needs to continue exactly where it stopped. The data order of an
 * epoch is a pure function of (seed, epoch), and dropout masks of (seed, step, position), so
 * the position in the data is just (epoch, batchInEpoch).
 */
export interface TrainerState {
  version: 1;
  /** 0-based epoch to continue in, and the next batch index within it. */
  epoch: number;
  batchInEpoch: number;
  /** Optimizer steps taken so far (the next step's AdamW t is globalStep + 1). */
  globalStep: number;
  early: EarlyStoppingState;
  /** Wall-clock seconds spent training before this checkpoint (for throughput and ETA). */
  elapsedSec: number;
  /** Threshold tuned on validation (multi-label / out-of-scope), if any. */
  threshold?: number;
  /** Micro-batches per optimizer step chosen at the start; a resumed run keeps it (same sums, same bits). */
  accumulation?: number;
}

export interface Checkpoint {
  state: TrainerState;
  params: Map<string, TensorData>;
  m: Map<string, TensorData>;
  v: Map<string, TensorData>;
}

export function saveCheckpoint(dir: string, ck: Checkpoint): void {
  replaceDirAtomic(dir, (tmp) => {
    writeSafetensors(path.join(tmp, 'model.safetensors'), ck.params);
    // Moments share names with their parameters; two files keep the names Hugging Face's.
    writeSafetensors(path.join(tmp, 'adam_m.safetensors'), ck.m);
    writeSafetensors(path.join(tmp, 'adam_v.safetensors'), ck.v);
    fs.writeFileSync(path.join(tmp, 'state.json'), JSON.stringify(ck.state, null, 2));
  });
}

export function loadCheckpoint(dir: string): Checkpoint | undefined {
  const found = recoverDir(dir);
  if (!found) return undefined;
  const state = JSON.parse(fs.readFileSync(path.join(found, 'state.json'), 'utf8')) as TrainerState;
  return {
    state,
    params: readSafetensors(path.join(found, 'model.safetensors')),
    m: readSafetensors(path.join(found, 'adam_m.safetensors')),
    v: readSafetensors(path.join(found, 'adam_v.safetensors')),
  };
}

/** Deep copy of a parameter map (the engine returns copies, but best weights must not alias). */
export function cloneParams(p: Map<string, TensorData>): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [k, t] of p) out.set(k, { dtype: 'float32', shape: [...t.shape], data: t.data.slice() });
  return out;
}
