import type { Rng } from './rng.ts';

/**
 * Length-grouped sampling (Hugging Face's `group_by_length`): shuffle, cut into mega-batches
 * of `batchSize × megaFactor`, sort each by length (longest first) and split into batches.
 * Batches then hold similar lengths, so dynamic padding wastes little, while the order stays
 * random between epochs. The batch with the longest example goes first so an out-of-memory
 * error shows at once instead of mid-epoch. Returns lists of indices into `lengths`.
 *
 * megaFactor defaults to Hugging Face's: 50, or fewer so that there are at least 4 mega-batches.
 * A fixed 50 put a small dataset (under 800 examples at batch 16) in one mega-batch: each
 * epoch became one sweep from the longest texts to the shortest, with the labels that go with
 * length bunched into the same batches, and a from-scratch model stayed at chance for epochs
 * (banking77 intents, 480 examples, 3 epochs: test accuracy 0.10–0.20 against 0.67–0.75 with
 * Hugging Face's rule or shuffled batches; transformers' Trainer on the same job: 0.70–0.75).
 */
export function lengthGroupedBatches(lengths: readonly number[], batchSize: number, rng: Rng, megaFactor = defaultMegaFactor(lengths.length, batchSize)): number[][] {
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

/** Hugging Face's default mega-batch multiple: at most 50, at least 1, and ≥ 4 mega-batches when n allows. */
export function defaultMegaFactor(n: number, batchSize: number): number {
  return Math.max(1, Math.min(Math.floor(n / (batchSize * 4)), 50));
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
