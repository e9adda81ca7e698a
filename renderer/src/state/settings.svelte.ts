import type { BaseModel, Estimate, PresetName, RunSummary, TrainSettings } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

/** Every hyperparameter with a one-line explanation, in the order the Advanced section shows them. */
export const FIELDS: { key: keyof TrainSettings; label: string; help: string; step: number; min: number; max: number }[] = [
  { key: 'epochs', label: 'Epochs', help: 'How many times training goes through all training examples.', step: 1, min: 1, max: 200 },
  { key: 'batchSize', label: 'Batch size', help: 'Examples per training step; larger is smoother but needs more memory.', step: 1, min: 1, max: 1024 },
  { key: 'lr', label: 'Learning rate', help: 'Size of each weight update; too high diverges, too low learns slowly.', step: 0.00001, min: 0.0000001, max: 1 },
  { key: 'maxLength', label: 'Max length (tokens)', help: 'Longer texts are cut to this many tokens; shorter is faster.', step: 8, min: 8, max: 512 },
  { key: 'warmupRatio', label: 'Warmup share', help: 'Share of steps during which the learning rate ramps up from 0.', step: 0.01, min: 0, max: 0.5 },
  { key: 'weightDecay', label: 'Weight decay', help: 'Pulls weights towards 0 to reduce overfitting (not applied to biases).', step: 0.001, min: 0, max: 1 },
  { key: 'patience', label: 'Early-stopping patience', help: 'Evaluations without improvement before training stops (0 = never stop early).', step: 1, min: 0, max: 100 },
  { key: 'minDelta', label: 'Minimum improvement', help: 'A validation metric must improve by more than this to count as better.', step: 0.001, min: 0, max: 1 },
  { key: 'maxGradNorm', label: 'Gradient clipping', help: 'Caps the size of each update to keep training stable (0 = off).', step: 0.1, min: 0, max: 100 },
  { key: 'seed', label: 'Random seed', help: 'Same seed, same data and settings give the same model.', step: 1, min: 0, max: 2147483647 },
  { key: 'stride', label: 'QA window overlap', help: 'Question answering only: tokens shared by consecutive windows of a long context.', step: 8, min: 0, max: 256 },
];

/** Presets with their estimates, and the settings the user will train with. */
export class SettingsState {
  #estimate = $state<Estimate | null>(null);
  #preset = $state<PresetName | 'custom'>('quick');
  #settings = $state<TrainSettings | null>(null);
  #error = $state<string | null>(null);
  #starting = $state(false);
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get estimate(): Estimate | null {
    return this.#estimate;
  }
  get preset(): PresetName | 'custom' {
    return this.#preset;
  }
  get settings(): TrainSettings | null {
    return this.#settings;
  }
  get error(): string | null {
    return this.#error;
  }
  get starting(): boolean {
    return this.#starting;
  }

  async load(datasetId: number, base: BaseModel): Promise<void> {
    try {
      const e = await this.#latest.run(() => this.#client.call('runs.estimate', { datasetId, base }));
      if (!e) return;
      this.#estimate = e;
      this.#error = null;
      this.choosePreset(this.#preset === 'custom' ? 'quick' : this.#preset);
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  choosePreset(preset: PresetName): void {
    const p = this.#estimate?.presets.find((x) => x.preset === preset);
    if (!p) return;
    this.#preset = preset;
    this.#settings = { ...p.settings };
  }

  set(key: keyof TrainSettings, value: number): void {
    if (!this.#settings || !Number.isFinite(value)) return;
    this.#settings = { ...this.#settings, [key]: value };
    this.#preset = 'custom';
  }

  async start(datasetId: number, base: BaseModel): Promise<RunSummary | undefined> {
    if (!this.#settings) return undefined;
    this.#starting = true;
    this.#error = null;
    try {
      return await this.#client.call('runs.start', { datasetId, base, settings: this.#settings });
    } catch (err) {
      this.#error = messageOf(err);
      return undefined;
    } finally {
      this.#starting = false;
    }
  }
}
