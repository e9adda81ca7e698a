// Inference benchmark of exported models (not part of `npm test`): a random-init BERT of each
// bench size with a 2-label classification head, exported to ONNX exactly as `bert-studio
// export` writes it (fp32, and int8 by the same dynamic quantization), run by ONNX Runtime on
// the CPU at batch 1 × seq 128 and batch 32 × seq 128. One JSON line per model, batch and
// precision: median wall and CPU seconds per batch. scripts/reference/torch_bench.py prints
// PyTorch eager's numbers for the same shapes.
// Usage: npm run bench:inference [-- tiny mini small base]
import os from 'node:os';
import { BENCH_SIZES, benchModelSpec, type BenchSize } from '../main/engine/bench.ts';
import { createEngineModel } from '../main/engine/engine-model.ts';
import { createSession, type HostTensor } from '../main/engine/runtime.ts';
import { quantizeOnnx } from '../main/export/quantize.ts';
import { randomInitWeights } from '../main/models/graph/init.ts';

const SEQ = 128;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function feeds(batch: number): Record<string, HostTensor> {
  const n = batch * SEQ;
  let x = 12345;
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % SEQ === 0 ? 101 : 1000 + ((x = (x * 1103515245 + 12345) % 2147483648) % 29000)));
  return {
    input_ids: { dtype: 'int64', shape: [batch, SEQ], data: ids },
    attention_mask: { dtype: 'int64', shape: [batch, SEQ], data: new BigInt64Array(n).fill(1n) },
    token_type_ids: { dtype: 'int64', shape: [batch, SEQ], data: new BigInt64Array(n) },
  };
}

async function exportedModels(size: BenchSize): Promise<Record<'fp32' | 'int8', Uint8Array>> {
  const { config, head } = benchModelSpec(size);
  const model = await createEngineModel({ config, head, weights: randomInitWeights(config, head, 1), adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 } });
  try {
    const fp32 = model.exportOnnx();
    return { fp32, int8: quantizeOnnx(fp32, 'dynamic').bytes };
  } finally {
    await model.dispose();
  }
}

const sizes = (process.argv.slice(2).filter((a) => a in BENCH_SIZES) as BenchSize[]).concat();
for (const size of sizes.length ? sizes : (Object.keys(BENCH_SIZES) as BenchSize[])) {
  const models = await exportedModels(size);
  for (const precision of ['fp32', 'int8'] as const) {
    const session = await createSession(models[precision]);
    try {
      for (const batch of [1, 32]) {
        const f = feeds(batch);
        const runs = batch === 1 ? 20 : 5;
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < runs + 2; i++) {
          const t = performance.now();
          const c = process.cpuUsage();
          await session.run(f);
          const used = process.cpuUsage(c);
          if (i >= 2) {
            wall.push((performance.now() - t) / 1000);
            cpu.push((used.user + used.system) / 1e6);
          }
        }
        console.log(JSON.stringify({ bench: 'inference', size, precision, batch, seq: SEQ, sec_per_batch: +median(wall).toFixed(5), cpu_sec_per_batch: +median(cpu).toFixed(5), model_mib: +(models[precision].length / 2 ** 20).toFixed(1), cpu: os.cpus()[0]?.model ?? 'unknown', threads: os.availableParallelism(), load_avg: +os.loadavg()[0].toFixed(2) }));
      }
    } finally {
      await session.release();
    }
  }
}
