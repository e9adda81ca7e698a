/**
 * The settings rules that depend on the chosen model and this computer, which the contract's
 * schema cannot know: how many layers can be frozen, and how much memory there is.
 */
import os from 'node:os';
import { ApiFailure } from '../errors.ts';
import type { TrainSettings } from '../types.ts';
import { formatMiB } from '../wording.ts';
import type { ModelShape } from './model-shape.ts';
import { DeviceUnavailableError, resolveDevice } from '../../train/device.ts';
import { inputPositions } from '../../train/presets.ts';

export const totalMemoryMiB = (): number => Math.floor(os.totalmem() / 2 ** 20);

/** Throws `invalid_request` with a sentence saying what to change; returns when the settings can run. */
export function checkSettingsForModel(settings: TrainSettings, shape: ModelShape): void {
  const fail = (message: string): never => {
    throw new ApiFailure('invalid_request', message);
  };
  const layers = shape.config.numLayers;
  const frozen = settings.freezeLayers ?? 0;
  if (!shape.pretrained && (frozen > 0 || settings.freezeEmbeddings))
    fail('A model trained from scratch has to learn every part: frozen layers or word embeddings would stay random. Freeze them only on a pretrained base model.');
  if (frozen > layers - 1)
    fail(`This model has ${layers} layer${layers === 1 ? '' : 's'}: freeze at most ${layers - 1}, so that at least the top layer keeps learning your task.`);
  const positions = inputPositions(shape.config);
  if (settings.maxLength > positions)
    fail(`This model reads at most ${positions} tokens (its position table): set the max length to ${positions} or less.`);
  const total = totalMemoryMiB();
  if (settings.maxMemoryMiB !== undefined && settings.maxMemoryMiB > total)
    fail(`This computer has ${formatMiB(total)} of memory: set the memory limit to at most that (leave it empty for the default, half of it, which leaves room for the rest of the system).`);
}

/**
 * A GPU asked for by name must be one the device probe verified here: refused with the probe's
 * reason before a run row exists (the trainer would fail the run with the same sentence).
 */
export async function checkDevice(settings: TrainSettings): Promise<void> {
  try {
    await resolveDevice(settings.device ?? 'auto');
  } catch (err) {
    if (err instanceof DeviceUnavailableError) throw new ApiFailure('invalid_request', err.message);
    throw err;
  }
}
