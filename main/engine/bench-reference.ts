// The reference a bench ratio is computed against: JSON lines written by
// scripts/reference/torch_bench.py in the same run (gpu-check.sh runs both back to back).
import fs from 'node:fs';
import type { BenchReference } from './bench.ts';

export interface ReferenceLine {
  bench: string;
  size: string;
  batch: number;
  seq: number;
  device?: string;
  precision?: string;
  sec_per_step?: number;
  sec_per_batch?: number;
  torch?: string;
}

/** The lines of `file`; a missing or unreadable file is the user's to fix (exit 2). */
export function readReferences(file: string): ReferenceLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BenchReferenceError(`Cannot read the reference file ${file}; pass the JSON lines that scripts/reference/torch_bench.py printed in this run.`);
  }
  const lines: ReferenceLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim().startsWith('{')) return;
    try {
      lines.push(JSON.parse(line) as ReferenceLine);
    } catch {
      throw new BenchReferenceError(`${file}, line ${i + 1}: not a JSON object; the file must hold torch_bench.py's JSON lines.`);
    }
  });
  return lines;
}

/** A user-facing problem with the reference file (the CLI maps it to exit 2). */
export class BenchReferenceError extends Error {}

/**
 * The fp32 training step of the same size and shape (and inference of that batch, when there),
 * preferring the reference's device `prefer` (cuda for a GPU bench, cpu for the CPU), or undefined.
 */
export function pickReference(lines: readonly ReferenceLine[], size: string, batch: number, seq: number, prefer = 'cuda'): BenchReference | undefined {
  const candidates = lines.filter((l) => l.bench === 'torch-train' && l.size === size && l.batch === batch && l.seq === seq && (l.precision ?? 'fp32') === 'fp32' && typeof l.sec_per_step === 'number');
  const train = candidates.find((l) => (l.device ?? 'cpu') === prefer) ?? candidates[0];
  if (!train) return undefined;
  const infer = lines.find((l) => l.bench === 'torch-infer' && l.size === size && l.batch === batch && l.seq === seq && typeof l.sec_per_batch === 'number');
  return {
    name: `torch ${train.torch ?? ''} ${train.device ?? 'cpu'} fp32`.replace(/\s+/g, ' ').trim(),
    sec_per_step: train.sec_per_step!,
    ...(infer ? { infer_sec: infer.sec_per_batch! } : {}),
  };
}
