import type { Command } from '../command.ts';
import { choice, num } from '../parse.ts';
import { BENCH_SIZES, benchSize, type BenchSize } from '../../engine/bench.ts';

const SIZES = Object.keys(BENCH_SIZES) as BenchSize[];

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Time BERT training steps and inference on this machine (random-init, AdamW, dropout on)',
  usage: '[--size tiny|mini|small|base|all] [--batch B] [--seq L] [--steps N] [--json]',
  options: [
    { name: 'size', type: 'string', value: 'S', help: 'Model size: tiny, mini, small, base, or all (default: all)' },
    { name: 'batch', type: 'string', value: 'B', help: 'Batch size (default 16)' },
    { name: 'seq', type: 'string', value: 'L', help: 'Sequence length (default 128)' },
    { name: 'steps', type: 'string', value: 'N', help: 'Timed steps after 2 warm-ups; the median is reported (default 5)' },
  ],
  async run(ctx, args) {
    const size = choice(args, 'size', [...SIZES, 'all'] as const) ?? 'all';
    const batch = num(args, 'batch', { min: 1, max: 4096, integer: true }) ?? 16;
    const seq = num(args, 'seq', { min: 1, max: 512, integer: true }) ?? 128;
    const steps = num(args, 'steps', { min: 1, max: 1000, integer: true }) ?? 5;
    for (const s of size === 'all' ? SIZES : [size]) {
      ctx.out.info(`Benchmarking BERT-${s} (batch ${batch} × seq ${seq}) on the CPU…`);
      const r = await benchSize(s, { batch, seq, steps, signal: ctx.signal });
      ctx.out.result(r, () =>
        `${s.padEnd(5)} ${r.sec_per_step.toFixed(3)} s/step, ${r.tokens_per_sec} tokens/s, inference ${r.infer_sec_per_batch.toFixed(3)} s/batch, peak RSS ${r.peak_rss_mib} MiB` +
        (r.ratio !== null ? `; ${r.ratio}× PyTorch's ${r.pytorch_sec_per_step} s/step` : ''),
      );
    }
  },
};
