// The benchmark runs end to end and reports what the README table needs (not a timing test).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchSize } from '../../main/engine/bench.ts';
import { pickReference, readReferences } from '../../main/engine/bench-reference.ts';
import { runCli } from '../hub/run-cli.ts';

describe('bench', () => {
  it('times a tiny BERT step and reports the fields, with no PyTorch ratio off the reference shape', async () => {
    const r = await benchSize('tiny', { batch: 2, seq: 8, steps: 1, warmup: 0 });
    expect(r).toMatchObject({ size: 'tiny', batch: 2, seq: 8, micro_batch: 2, accumulation: 1, freeze_layers: 0, device: 'cpu', steps: 1, ratio: null, reference: null, host_device_bytes_per_step: null, cpu_nodes: null });
    expect(r.sec_per_step).toBeGreaterThan(0);
    expect(r.tokens_per_sec).toBeGreaterThan(0);
    expect(r.peak_rss_mib).toBeGreaterThan(0);
  });

  it('accumulates micro-batches and freezes layers when asked', async () => {
    const r = await benchSize('tiny', { batch: 3, seq: 8, steps: 1, warmup: 0, microBatch: 2, freezeLayers: 1 });
    expect(r).toMatchObject({ batch: 3, micro_batch: 2, accumulation: 2, freeze_layers: 1 });
    expect(r.sec_per_step).toBeGreaterThan(0);
  });

  it('refuses to freeze every layer of a size, with exit code 2', async () => {
    const r = await runCli(mkdtempSync(path.join(os.tmpdir(), 'bs-bench-')), ['bench', '--size', 'tiny', '--freeze-layers', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('bert-studio: Option --freeze-layers must be at most 1 for BERT-tiny (2 layers; one must stay trainable), got 2.');
  }, 60_000);

  it('refuses a device it does not know, with exit code 2 (auto is not a benchmark device)', async () => {
    const r = await runCli(mkdtempSync(path.join(os.tmpdir(), 'bs-bench-')), ['bench', '--size', 'tiny', '--device', 'auto']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("bert-studio: Option --device must be one of cpu, webgpu; got 'auto'.");
  }, 60_000);

  it('computes a ratio only against a reference of the same size and shape measured in the same run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bs-bench-'));
    const file = path.join(dir, 'torch.jsonl');
    writeFileSync(
      file,
      [
        'a line torch_bench.py would not print',
        JSON.stringify({ bench: 'torch-train', device: 'cuda', precision: 'bf16', size: 'tiny', batch: 2, seq: 8, sec_per_step: 0.001, torch: '2.11.0' }),
        JSON.stringify({ bench: 'torch-train', device: 'cuda', precision: 'fp32', size: 'tiny', batch: 2, seq: 8, sec_per_step: 0.004, torch: '2.11.0' }),
        JSON.stringify({ bench: 'torch-train', device: 'cuda', precision: 'fp32', size: 'tiny', batch: 16, seq: 128, sec_per_step: 0.009, torch: '2.11.0' }),
      ].join('\n'),
    );
    const ref = pickReference(readReferences(file), 'tiny', 2, 8)!;
    expect(ref).toEqual({ name: 'torch 2.11.0 cuda fp32', sec_per_step: 0.004 });
    expect(pickReference(readReferences(file), 'mini', 2, 8)).toBeUndefined();
    const r = await benchSize('tiny', { batch: 2, seq: 8, steps: 1, warmup: 0, reference: ref });
    expect(r.reference).toBe('torch 2.11.0 cuda fp32');
    expect(Math.abs(r.ratio! - r.sec_per_step / 0.004) / r.ratio!).toBeLessThan(1e-3);
    const bad = await runCli(dir, ['bench', '--size', 'tiny', '--reference', path.join(dir, 'missing.jsonl')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot read the reference file .*missing\.jsonl/);
  }, 60_000);
});
