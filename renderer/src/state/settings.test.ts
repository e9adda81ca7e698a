import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { SettingsState } from './settings.svelte.ts';

const SETTINGS = { epochs: 2, batchSize: 16, lr: 1e-3, maxLength: 64, warmupRatio: 0.06, weightDecay: 0.01, patience: 3, minDelta: 0, maxGradNorm: 1, seed: 42, stride: 128 };
const plan = (budgetMiB: number, accumulation: number) => ({ peakMiB: 300, budgetMiB, batchSize: 16, microBatch: 16 / accumulation, accumulation, fits: true, sentence: `limit ${budgetMiB}` });

/** A core that answers the estimate for whatever settings it is sent, as runs.estimate does. */
function transport() {
  return new FakeTransport({
    'system.devices': () => ({ training: 'cpu', sentence: 'No usable GPU found — training on the CPU (2 cores): no adapter.', devices: [] }),
    'runs.estimate': (p: { settings?: typeof SETTINGS & { maxMemoryMiB?: number } }) => {
      const limit = p.settings?.maxMemoryMiB ?? 8192;
      const memory = plan(limit, limit < 1024 ? 2 : 1);
      return {
        device: 'CPU',
        trainRows: 100,
        presets: [{ preset: 'quick', settings: { ...SETTINGS, ...(p.settings?.maxMemoryMiB ? { maxMemoryMiB: limit } : {}) }, seconds: 10, memory }],
        ...(p.settings ? { custom: { settings: p.settings, seconds: 10, memory } } : {}),
        model: { layers: 4, hidden: 256, pretrained: true },
        defaultMemoryMiB: 8192,
        totalMemoryMiB: 16384,
      };
    },
  });
}

describe('SettingsState', () => {
  it('loads the devices once and the plan of the chosen preset', async () => {
    const t = transport();
    const s = new SettingsState(new ApiClient(t));
    await s.load(1, { kind: 'scratch', size: 'tiny' });
    await s.load(1, { kind: 'scratch', size: 'tiny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.filter((c) => c.method === 'system.devices')).toHaveLength(1);
    expect(s.devices?.sentence).toMatch(/^No usable GPU found/);
    expect(s.plan?.sentence).toBe('limit 8192');
  });

  it('starts on Automatic (no device sent) and sends a device chosen by name with the settings', async () => {
    const t = transport();
    t.handlers['runs.start'] = () => ({ id: 9 });
    const s = new SettingsState(new ApiClient(t));
    await s.load(1, { kind: 'scratch', size: 'tiny' });
    expect(s.device).toBe('auto');
    await s.start(1, { kind: 'scratch', size: 'tiny' });
    expect(t.calls.at(-1)).toEqual({ method: 'runs.start', params: { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS } });
    s.chooseDevice('webgpu');
    await s.start(1, { kind: 'scratch', size: 'tiny' });
    expect(t.calls.at(-1)).toEqual({ method: 'runs.start', params: { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: { ...SETTINGS, device: 'webgpu' } } });
    // A preset chosen afterwards keeps the device: it is not one of the preset's numbers.
    s.choosePreset('quick');
    expect(s.device).toBe('webgpu');
  });

  it('sends a memory option with the settings, keeps the preset and shows the new plan; undefined goes back to the default', async () => {
    const t = transport();
    const s = new SettingsState(new ApiClient(t));
    await s.load(1, { kind: 'pretrained', modelId: 'm' });
    s.setMemory('maxMemoryMiB', 512);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.at(-1)).toEqual({ method: 'runs.estimate', params: { datasetId: 1, base: { kind: 'pretrained', modelId: 'm' }, settings: { ...SETTINGS, maxMemoryMiB: 512 } } });
    expect(s.preset).toBe('quick');
    expect(s.plan).toMatchObject({ budgetMiB: 512, accumulation: 2 });
    s.setMemory('maxMemoryMiB', undefined);
    expect(s.settings).toEqual(SETTINGS);
  });
});
