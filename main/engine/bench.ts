// Training-step benchmark: random-init BERT (vocabulary 30522, 2 labels), AdamW, dropout on,
// the same work as the PyTorch reference in ../shared/fixtures/parity/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Batch, Device, HeadSpec, ModelConfig } from './api.ts';
import { createEngineModel } from './engine-model.ts';
import { ResidentEngineModel } from './resident-model.ts';
import { readPlacement, withProfiles } from './runtime.ts';
import { parseConfig } from '../models/config.ts';
import { randomInitWeights } from '../models/graph/init.ts';

export const BENCH_SIZES = {
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024 },
  small: { layers: 4, hidden: 512, heads: 8, intermediate: 2048 },
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072 },
} as const;
export type BenchSize = keyof typeof BENCH_SIZES;

/**
 * A reference measured in the same run (scripts/reference/torch_bench.py's JSON lines, passed as
 * `bench --reference FILE`): the only thing a ratio is ever computed against. Fixed numbers from
 * another machine or day made ratios that meant nothing (0.38 printed where 0.95 was true).
 */
export interface BenchReference {
  /** e.g. "torch 2.11.0 cuda fp32". */
  name: string;
  sec_per_step: number;
  /** Inference seconds per batch of the same shape, when measured. */
  infer_sec?: number;
}

export interface BenchResult {
  size: BenchSize;
  batch: number;
  seq: number;
  /** Examples per graph run; below `batch` the step accumulates `accumulation` micro-batches. */
  micro_batch: number;
  accumulation: number;
  /** Encoder layers frozen (with the embeddings) when > 0. */
  freeze_layers: number;
  precision: 'fp32' | 'fp16';
  sec_per_step: number;
  /** Process CPU seconds (user + system) per step, median: less sensitive than wall time to other load on the machine. */
  cpu_sec_per_step: number;
  tokens_per_sec: number;
  infer_sec_per_batch: number;
  infer_cpu_sec_per_batch: number;
  peak_rss_mib: number;
  device: string;
  cpu: string;
  threads: number;
  steps: number;
  /** 1-minute load average when the run ended; above the core count, wall times are inflated. */
  load_avg: number;
  /** Bytes between host and device per training step (GPU devices; null on the CPU, where there is no device memory). */
  host_device_bytes_per_step: number | null;
  /** Nodes ONNX Runtime ran on the CPU inside the device's sessions during one profiled step (GPU devices; null on the CPU). */
  cpu_nodes: number | null;
  /** The reference measured in the same run, or null: no ratio without one. */
  reference: string | null;
  reference_sec_per_step: number | null;
  ratio: number | null;
  reference_infer_sec: number | null;
  infer_ratio: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface BenchOptions {
  batch: number;
  seq: number;
  steps: number;
  warmup?: number;
  /** Examples per graph run (default: the whole batch, the one-graph step). */
  microBatch?: number;
  /** Freeze the embeddings and the lowest N encoder layers (default 0: train everything). */
  freezeLayers?: number;
  /** Where every session runs (default 'cpu'); the result names it. */
  device?: Device;
  /** fp16: mixed precision (default fp32). */
  precision?: 'fp32' | 'fp16';
  signal?: AbortSignal;
  reference?: BenchReference;
}

/** The batch cut into micro-batches of at most `micro` rows (EngineModel.step accumulates them). */
function splitRows(data: Batch, micro: number): Batch[] {
  const parts: Batch[] = [];
  const s = data.seq;
  for (let from = 0; from < data.batch; from += micro) {
    const to = Math.min(data.batch, from + micro);
    const rows = <T extends BigInt64Array>(a: T) => a.slice(from * s, to * s) as T;
    parts.push({
      batch: to - from,
      seq: s,
      inputIds: rows(data.inputIds),
      attentionMask: rows(data.attentionMask),
      ...(data.tokenTypeIds ? { tokenTypeIds: rows(data.tokenTypeIds) } : {}),
      labels: (data.labels as BigInt64Array).slice(from, to),
    });
  }
  return parts;
}

/** The bench's model: a BERT of `size` with vocabulary 30522 and a 2-label classification head. */
export function benchModelSpec(size: BenchSize, seq = 128): { config: ModelConfig; head: HeadSpec } {
  const d = BENCH_SIZES[size];
  const config = parseConfig(
    {
      model_type: 'bert',
      vocab_size: 30522,
      hidden_size: d.hidden,
      num_hidden_layers: d.layers,
      num_attention_heads: d.heads,
      intermediate_size: d.intermediate,
      max_position_embeddings: Math.max(512, seq),
      type_vocab_size: 2,
      id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
    },
    `bench-${size}`,
  );
  return { config, head: { kind: 'sequence-classification', numLabels: 2 } };
}

/** Runs `fn` with its sessions profiled and returns how many nodes ORT placed on the CPU. */
async function profiledCpuNodes(device: Device, fn: () => Promise<unknown>): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-bench-'));
  try {
    // Only sessions opened inside the scope are profiled: `fn` opens a fresh model.
    await withProfiles(dir, fn);
    return readPlacement(dir, device).onCpu;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSize(size: BenchSize, opts: BenchOptions): Promise<BenchResult> {
  const { config, head } = benchModelSpec(size, opts.seq);
  const freezeLayers = opts.freezeLayers ?? 0;
  const device = opts.device ?? 'cpu';
  const precision = opts.precision ?? 'fp32';
  const open = () => createEngineModel({ device, precision, config, head, weights: randomInitWeights(config, head, 1), adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 }, ...(freezeLayers > 0 ? { freezeLayers } : {}) });
  const model = await open();
  const { batch: b, seq: s } = opts;
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const data: Batch = {
    batch: b,
    seq: s,
    inputIds: BigInt64Array.from({ length: b * s }, (_, i) => BigInt(i % s === 0 ? 101 : 1000 + (next() % 29000))),
    attentionMask: new BigInt64Array(b * s).fill(1n),
    tokenTypeIds: new BigInt64Array(b * s),
    labels: BigInt64Array.from({ length: b }, () => BigInt(next() % 2)),
  };
  const micro = Math.min(b, opts.microBatch ?? b);
  const parts = micro < b ? splitRows(data, micro) : [data];
  const times: number[] = [];
  const cpu: number[] = [];
  const warmup = opts.warmup ?? 2;
  try {
    for (let i = 0; i < warmup + opts.steps; i++) {
      if (opts.signal?.aborted) throw new Error('Benchmark cancelled.');
      const t = performance.now();
      const c = process.cpuUsage();
      await model.step(parts.length > 1 ? parts : data, { lr: 2e-5, step: i + 1, seed: 1, dropout: true });
      const used = process.cpuUsage(c);
      if (i >= warmup) {
        times.push((performance.now() - t) / 1000);
        cpu.push((used.user + used.system) / 1e6);
      }
    }
    const inferTimes: number[] = [];
    const inferCpu: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      await model.forward({ ...data, labels: undefined });
      const used = process.cpuUsage(c);
      if (i > 0) {
        inferTimes.push((performance.now() - t) / 1000);
        inferCpu.push((used.user + used.system) / 1e6);
      }
    }
    const sec = median(times);
    const infer = median(inferTimes);
    const onDevice = device !== 'cpu';
    // One more step, profiled, to count what ORT ran on the CPU inside the device's sessions.
    const cpuNodes = onDevice
      ? await profiledCpuNodes(device, async () => {
          const fresh = await open();
          try {
            await fresh.step(parts.length > 1 ? parts : data, { lr: 2e-5, step: 1, seed: 1, dropout: true });
          } finally {
            await fresh.dispose();
          }
        })
      : null;
    const transfer = model instanceof ResidentEngineModel ? model.lastTransfer.up + model.lastTransfer.down : null;
    const ref = opts.reference;
    return {
      size,
      batch: b,
      seq: s,
      micro_batch: micro,
      accumulation: parts.length,
      freeze_layers: freezeLayers,
      precision,
      sec_per_step: Number(sec.toFixed(4)),
      cpu_sec_per_step: Number(median(cpu).toFixed(4)),
      tokens_per_sec: Math.round((b * s) / sec),
      infer_sec_per_batch: Number(infer.toFixed(4)),
      infer_cpu_sec_per_batch: Number(median(inferCpu).toFixed(4)),
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
      device,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      threads: os.availableParallelism(),
      steps: times.length,
      load_avg: Number(os.loadavg()[0].toFixed(2)),
      host_device_bytes_per_step: transfer,
      cpu_nodes: cpuNodes,
      reference: ref?.name ?? null,
      reference_sec_per_step: ref?.sec_per_step ?? null,
      ratio: ref ? Number((sec / ref.sec_per_step).toFixed(3)) : null,
      reference_infer_sec: ref?.infer_sec ?? null,
      infer_ratio: ref?.infer_sec ? Number((infer / ref.infer_sec).toFixed(3)) : null,
    };
  } finally {
    await model.dispose();
  }
}
