import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeSafetensors } from '../safetensors.ts';
import { readPytorchCheckpoint, type CheckpointTensor } from './checkpoint.ts';

/**
 * pytorch_model.bin → model.safetensors, so the rest of the app reads one weights format
 * (main/models/load-folder.ts). Keys are normalized the way Transformers does when it loads
 * old checkpoints, and integer buffers are dropped, as current Transformers no longer saves
 * them and they are not weights.
 */

const FLOAT_SOURCES = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/** Transformers' rename for checkpoints from the TensorFlow era: LayerNorm.gamma/beta → weight/bias. */
export function normalizeKey(key: string): string {
  if (key.endsWith('LayerNorm.gamma')) return key.slice(0, -'gamma'.length) + 'weight';
  if (key.endsWith('LayerNorm.beta')) return key.slice(0, -'beta'.length) + 'bias';
  return key;
}

/** The weights of a checkpoint as they should appear in model.safetensors. */
export function checkpointWeights(tensors: Map<string, CheckpointTensor>): Map<string, CheckpointTensor> {
  const out = new Map<string, CheckpointTensor>();
  for (const [key, t] of tensors) if (FLOAT_SOURCES.has(t.sourceDtype)) out.set(normalizeKey(key), t);
  return out;
}

/**
 * Reads `binFile` with the restricted unpickler (refusing hostile files) and writes
 * `outFile` as float32 safetensors, via a temp file so a crash never leaves half a file.
 * Returns the number of tensors written.
 */
export async function convertPytorchToSafetensors(binFile: string, outFile: string): Promise<number> {
  const weights = checkpointWeights(await readPytorchCheckpoint(binFile));
  const tmp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${process.pid}.tmp`);
  try {
    writeSafetensors(tmp, weights, { metadata: { format: 'pt', converted_from: path.basename(binFile) } });
    await rename(tmp, outFile);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return weights.size;
}
