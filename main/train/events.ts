/** What a training job reports while it runs (the API forwards these to the UI as they come). */
export type TrainEvent =
  | {
      type: 'prepared';
      /** The device the run actually trains on (main/train/device.ts). */
      device: 'cpu' | 'webgpu';
      /** Why that device: for the CPU when a GPU was possible, why not the GPU. */
      deviceReason: string;
      /** fp16: mixed precision (float16 encoder, float32 master weights and AdamW); with the reason. */
      precision?: 'fp32' | 'fp16';
      precisionReason?: string;
      /** The device works but is a poor choice (a software GPU adapter asked for by name). */
      deviceWarning?: string;
      parameters: number;
      trainExamples: number;
      trainFeatures: number;
      validationExamples: number;
      stepsPerEpoch: number;
      totalSteps: number;
      resumedFromStep: number;
      initializedHead: string[];
      scratch: boolean;
      /** Examples per optimizer step (the user's batch size) = up to microBatch × accumulation. */
      batchSize: number;
      /** Examples per graph run, chosen to fit the memory budget. */
      microBatch: number;
      /** Micro-batches whose gradients are summed per optimizer step (1 = no accumulation). */
      accumulation: number;
      /** Estimated peak memory of training at the longest batch (main/train/memory.ts). */
      memoryEstimateMiB: number;
      memoryBudgetMiB: number;
      /** False when even a micro-batch of one is estimated over the budget. */
      memoryFits: boolean;
      /** Classification: texts over the max length keep their first and last tokens (head+tail). */
      headTail?: boolean;
    }
  | { type: 'step'; step: number; epoch: number; loss: number; lr: number; gradNorm: number; examplesPerSec: number; tokensPerSec: number; etaSec: number }
  | {
      type: 'evaluation';
      step: number;
      epoch: number;
      validation: Record<string, number>;
      /** The monitored metric on up to 512 training examples (dropout off): the train–validation gap. */
      train: Record<string, number>;
      monitor: string;
      improved: boolean;
      best: number | null;
      bestEpoch: number;
      /** Evaluations left without improvement before early stopping. */
      patienceLeft: number;
    }
  /** The run's baseline (main/baseline/), trained on the same splits before the model. */
  | { type: 'baseline'; kind: string; validation: Record<string, number>; test?: Record<string, number>; seconds: number }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'finished'; stopped: StopReason; bestEpoch: number; validation: Record<string, number>; test?: Record<string, number> };

export type StopReason = 'early' | 'max_epochs' | 'cancelled';
