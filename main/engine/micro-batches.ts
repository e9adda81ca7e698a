// A training step over several micro-batches, the same for every engine model: each
// micro-batch's loss weighted by its share of the examples (1/A when equal, as Hugging Face's
// Trainer divides by gradient_accumulation_steps), gradients accumulated, then one update.
import type { Batch, EngineModel, StepOptions, StepResult } from './api.ts';

/** Dropout keys of micro-batches k > 0 of a step: step + k·2^24 (see MicroBatchOptions.dropoutKey). */
export const MICRO_KEY_STRIDE = 2 ** 24;

/** Output names of a forward graph → ForwardResult fields. */
export const FORWARD_FIELDS: Readonly<Record<string, 'logits' | 'startLogits' | 'endLogits' | 'slotLogits'>> = { logits: 'logits', start_logits: 'startLogits', end_logits: 'endLogits', slot_logits: 'slotLogits' };

export async function stepMicroBatches(model: Pick<EngineModel, 'accumulate' | 'applyUpdate'>, batches: readonly Batch[], opts: StepOptions): Promise<StepResult> {
  const total = batches.reduce((n, b) => n + b.batch, 0);
  let loss = 0;
  for (let k = 0; k < batches.length; k++) {
    const lossScale = batches[k].batch / total;
    const r = await model.accumulate(batches[k], { seed: opts.seed, dropout: opts.dropout, dropoutKey: opts.step + k * MICRO_KEY_STRIDE, lossScale });
    loss += lossScale * r.loss;
  }
  const { gradNorm } = await model.applyUpdate({ lr: opts.lr, step: opts.step });
  return { loss, gradNorm };
}
