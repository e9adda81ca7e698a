import type { BaseModel, DeviceReport, Estimate, MemoryPlan, PresetName, RunSummary, TrainSettings } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';
import { CudaState } from './cuda.svelte.ts';

/** Every hyperparameter with a one-line explanation, in the order the Advanced section shows them. */
/** The numeric hyperparameters (the memory options have their own section). */
export type NumericField = Exclude<keyof TrainSettings, 'maxMemoryMiB' | 'microBatch' | 'freezeEmbeddings' | 'freezeLayers' | 'device' | 'precision'>;

/** The Device setting: Automatic (a verified hardware GPU, else the CPU, with the reason) or a device by name. */
export type DeviceChoice = NonNullable<TrainSettings['device']>;

export const FIELDS: { key: NumericField; label: string; help: string; step: number; min: number; max: number }[] = [
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

/** The memory options of Advanced → Memory and speed. */
export type MemoryOption = { maxMemoryMiB?: number; freezeEmbeddings?: boolean; freezeLayers?: number; precision?: 'auto' | 'fp32' | 'fp16' };

/** Presets with their estimates, the device the run will use, and the settings the user will train with. */
export class SettingsState {
  #estimate = $state<Estimate | null>(null);
  #devices = $state<DeviceReport | null>(null);
  #preset = $state<PresetName | 'custom'>('quick');
  #settings = $state<TrainSettings | null>(null);
  #error = $state<string | null>(null);
  #starting = $state(false);
  #device = $state<DeviceChoice>('auto');
  #target: { datasetId: number; base: BaseModel } | null = null;
  #devicesRequested = false;
  readonly #latest = new Latest();
  readonly #client: ApiClient;
  /** "Enable NVIDIA CUDA", shown inside the device panel. */
  readonly cuda: CudaState;

  constructor(client: ApiClient) {
    this.#client = client;
    this.cuda = new CudaState(client);
  }

  get estimate(): Estimate | null {
    return this.#estimate;
  }
  get devices(): DeviceReport | null {
    return this.#devices;
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
  get device(): DeviceChoice {
    return this.#device;
  }

  /**
   * The device the run asks for. Only the CPU and GPUs the probe verified can be chosen (the
   * panel disables the others with their reason); the core refuses any other with its sentence.
   */
  chooseDevice(device: DeviceChoice): void {
    this.#device = device;
  }

  /** The memory plan of the settings the run would start with. */
  plan = $derived<MemoryPlan | null>(
    (this.#preset === 'custom' ? this.#estimate?.custom?.memory : this.#estimate?.presets.find((p) => p.preset === this.#preset)?.memory) ?? null,
  );

  /** The estimates for a dataset and base model, from the presets (memory options start at their defaults). */
  async load(datasetId: number, base: BaseModel): Promise<void> {
    this.#target = { datasetId, base };
    // A plain flag, not the reactive #devices: a component effect calling load() must not re-run when they arrive.
    if (!this.#devicesRequested) {
      this.#devicesRequested = true;
      void this.#loadDevices();
    }
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

  async #loadDevices(): Promise<void> {
    try {
      this.#devices = await this.#client.call('system.devices', {});
    } catch (err) {
      this.#devicesRequested = false;
      this.#error = messageOf(err);
    }
  }

  /** Estimates the current settings again: their plan, and the presets with the same memory options. */
  async #refresh(): Promise<void> {
    const target = this.#target;
    const settings = this.#settings;
    if (!target || !settings) return;
    try {
      const e = await this.#latest.run(() => this.#client.call('runs.estimate', { ...target, settings }));
      if (!e) return;
      this.#estimate = e;
      this.#error = null;
    } catch (err) {
      // The core's sentence says what to change (e.g. too many frozen layers); the last estimate stays.
      this.#error = messageOf(err);
    }
  }

  choosePreset(preset: PresetName): void {
    const p = this.#estimate?.presets.find((x) => x.preset === preset);
    if (!p) return;
    this.#preset = preset;
    // Presets carry the memory options of the last estimate, so their plan is already the right one.
    this.#settings = { ...p.settings };
  }

  set(key: NumericField, value: number): void {
    if (!this.#settings || !Number.isFinite(value)) return;
    this.#settings = { ...this.#settings, [key]: value };
    this.#preset = 'custom';
    void this.#refresh();
  }

  /** A memory option; undefined goes back to the trainer's default. The preset stays: presets share them. */
  setMemory<K extends keyof MemoryOption>(key: K, value: MemoryOption[K]): void {
    if (!this.#settings) return;
    const next: TrainSettings = { ...this.#settings };
    if (value === undefined) delete next[key];
    else next[key] = value as TrainSettings[K];
    this.#settings = next;
    void this.#refresh();
  }

  async start(datasetId: number, base: BaseModel): Promise<RunSummary | undefined> {
    if (!this.#settings) return undefined;
    this.#starting = true;
    this.#error = null;
    try {
      // Automatic is the trainer's default: sent only when the user chose a device by name.
      const settings: TrainSettings = this.#device === 'auto' ? this.#settings : { ...this.#settings, device: this.#device };
      return await this.#client.call('runs.start', { datasetId, base, settings });
    } catch (err) {
      this.#error = messageOf(err);
      return undefined;
    } finally {
      this.#starting = false;
    }
  }
}
