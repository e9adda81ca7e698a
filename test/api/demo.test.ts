import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../main/api/demo.ts';
import { dispatch } from '../../main/api/dispatch.ts';
import { createApi } from '../../main/api/services/index.ts';
import type { Estimate } from '../../main/api/types.ts';

describe('headless demo', () => {
  it('goes from a sample to a verified ONNX file, one clean sentence per fact and the result once', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-demo-'));
    try {
      const lines: string[] = [];
      const r = await runDemo({ home, sampleId: 'banking77-intents', epochs: 1, onLine: (l) => lines.push(l) });
      expect(fs.existsSync(r.onnx)).toBe(true);
      expect(r.onnx.endsWith('model.onnx')).toBe(true);
      expect(lines[0]).toBe('Opening the banking77-intents sample…');
      expect(lines.some((l) => /^Training a tiny model from scratch \(much weaker than a pretrained one\): up to 1 epoch, about \d+ s\.$/.test(l))).toBe(true);
      // The device is its own sentence, not glued into the previous one ("about 20 s on No usable GPU…..").
      expect(lines.some((l) => /^(No usable GPU found|Training on|WebGPU)/.test(l))).toBe(true);
      for (const l of lines) expect(l, l).not.toMatch(/\.\.$| on No usable/);
      expect(lines.filter((l) => l === r.headline)).toHaveLength(1);
      expect(lines.at(-1)).toBe(r.headline);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);

  it('runs with no options on the settings measured in README (banking77, 20 topics, tiny, Quick: 15 epochs, batch 32, lr 1e-3)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-demo-defaults-'));
    const api = await createApi({ home, mode: 'browser' });
    try {
      const call = async <T>(method: string, params: unknown): Promise<T> => {
        const r = await dispatch(api.handlers, 0, method as never, params as never, { caller: 'test' });
        if ('error' in r) throw new Error(r.error.message);
        return r.result as T;
      };
      const { dataset } = await call<{ dataset: { id: number; rows: number; labels: string[] } }>('samples.open', { sampleId: 'banking77' });
      expect(dataset.rows).toBe(2511);
      expect(dataset.labels).toHaveLength(20);
      const e = await call<Estimate>('runs.estimate', { datasetId: dataset.id, base: { kind: 'scratch', size: 'tiny' } });
      expect(e.presets[0]).toMatchObject({ preset: 'quick', settings: { epochs: 15, batchSize: 32, lr: 1e-3, patience: 4, maxLength: 128 } });
    } finally {
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
