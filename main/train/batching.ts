import type { Rng } from './rng.ts';

/**
 * Length-grouped sampling (Hugging Face's `group_by_length`): shuffle, cut into mega-batches
 * of `batchSize × megaFactor`, sort each by length (longest first) and split into batches.
 * Batches then hold similar lengths, so dynamic padding wastes little, while the order stays
 * random between epochs. The batch with the longest example goes first so an out-of-memory
 * error shows at once instead of mid-epoch. Returns lists of indices into `lengths`.
 */
export function lengthGroupedBatches(lengths: readonly number[], batchSize: number, rng: Rng, megaFactor = 50): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const mega = batchSize * megaFactor;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += mega) {
    const group = order.slice(start, start + mega).sort((a, b) => lengths[b] - lengths[a]);
    for (let i = 0; i < group.length; i += batchSize) batches.push(group.slice(i, i + batchSize));
  }
  let longest = 0;
  for (let i = 1; i < batches.length; i++) if (lengths[batches[i][0]] > lengths[batches[longest][0]]) longest = i;
  if (longest > 0) [batches[0], batches[longest]] = [batches[longest], batches[0]];
  return batches;
}

/** Plain shuffled batches (for when length grouping is off). */
export function shuffledBatches(n: number, batchSize: number, rng: Rng): number[][] {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/** Batches in the given order (evaluation): sorted by length to minimise padding, indices kept. */
export function evaluationBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}
