// Which EngineModel a device gets: the CPU keeps parameters in host arrays that ORT reads
// zero-copy (model.ts); GPU providers keep the training state on the device (resident-model.ts),
// since copying parameters and AdamW moments in and out every step was most of a GPU step.
import type { AdamWConfig, CreateEngineModelOptions, EngineModel, HeadSpec, TensorData } from './api.ts';
import type { FreezeOptions } from './freeze.ts';
import { OrtEngineModel } from './model.ts';
import type { Precision } from './resident-graph.ts';
import { ResidentEngineModel } from './resident-model.ts';
import type { Device } from './runtime.ts';
import type { ModelConfig } from '../models/config.ts';

/** The engine model for `device`, with the diagnostics step the parity check and the device probe use. */
export function openEngineModel(config: ModelConfig, head: HeadSpec, weights: Map<string, TensorData>, adamw: AdamWConfig, freeze: FreezeOptions, device: Device, precision: Precision = 'fp32'): OrtEngineModel | ResidentEngineModel {
  // Mixed precision is built on the resident model's flat float32 masters (on the CPU too: that is how it is checked without a GPU).
  if (device === 'cpu' && precision === 'fp32') return new OrtEngineModel(config, head, weights, adamw, freeze, device);
  return new ResidentEngineModel(config, head, weights, adamw, freeze, device, precision);
}

export async function createEngineModel(opts: CreateEngineModelOptions): Promise<EngineModel> {
  return openEngineModel(opts.config, opts.head, opts.weights, opts.adamw, { freezeEmbeddings: opts.freezeEmbeddings ?? false, freezeLayers: opts.freezeLayers ?? 0 }, opts.device ?? 'cpu', opts.precision ?? 'fp32');
}
