import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, num, str } from '../parse.ts';
import { DEVICE_LABEL } from '../../api/wording.ts';
import { BENCH_SIZES, benchSize, type BenchSize } from '../../engine/bench.ts';
import { BenchReferenceError, pickReference, readReferences } from '../../engine/bench-reference.ts';
import { DeviceUnavailableError, resolveDevice } from '../../train/device.ts';

const SIZES = Object.keys(BENCH_SIZES) as BenchSize[];

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Time BERT training steps and inference on this machine (random-init, AdamW, dropout on)',
  usage: '[--size tiny|mini|small|base|all] [--batch B] [--seq L] [--steps N] [--micro-batch M] [--freeze-layers N] [--device cpu|webgpu] [--precision fp32|fp16] [--reference FILE] [--json]',
  options: [
    { name: 'size', type: 'string', value: 'S', help: 'Model size: tiny, mini, small, base, or all (default: all)' },
    { name: 'batch', type: 'string', value: 'B', help: 'Batch size (default 16)' },
    { name: 'seq', type: 'string', value: 'L', help: 'Sequence length (default 128)' },
    { name: 'steps', type: 'string', value: 'N', help: 'Timed steps after 2 warm-ups; the median is reported (default 5)' },
    { name: 'micro-batch', type: 'string', value: 'M', help: 'Examples per forward/backward pass; below the batch size the gradients of ⌈B/M⌉ passes are accumulated (default: the whole batch)' },
    { name: 'freeze-layers', type: 'string', value: 'N', help: 'Freeze the embeddings and the lowest N encoder layers (default 0)' },
    { name: 'device', type: 'string', value: 'D', help: 'cpu (default) or webgpu (checked by the device probe first: exit 2 with its reason when WebGPU cannot train here)' },
    { name: 'precision', type: 'string', value: 'P', help: 'fp32 (default) or fp16: mixed precision (float16 encoder, float32 master weights and AdamW)' },
    { name: 'reference', type: 'string', value: 'FILE', help: 'JSON lines of scripts/reference/torch_bench.py measured in the same run: the ratio is computed against its step of the same size and shape (no ratio without one)' },
  ],
  async run(ctx, args) {
    const size = choice(args, 'size', [...SIZES, 'all'] as const) ?? 'all';
    const batch = num(args, 'batch', { min: 1, max: 4096, integer: true }) ?? 16;
    const seq = num(args, 'seq', { min: 1, max: 512, integer: true }) ?? 128;
    const steps = num(args, 'steps', { min: 1, max: 1000, integer: true }) ?? 5;
    const microBatch = num(args, 'micro-batch', { min: 1, max: 4096, integer: true });
    const freezeLayers = num(args, 'freeze-layers', { min: 0, integer: true }) ?? 0;
    // A benchmark names its device: no 'auto' here, and a GPU that cannot train is refused, not swapped for the CPU.
    const device = choice(args, 'device', ['cpu', 'webgpu'] as const) ?? 'cpu';
    const referencePath = str(args, 'reference');
    let referenceFile: ReturnType<typeof readReferences> | undefined;
    try {
      referenceFile = referencePath !== undefined ? readReferences(referencePath) : undefined;
    } catch (err) {
      if (err instanceof BenchReferenceError) throw new UserError(err.message);
      throw err;
    }
    let warning: string | undefined;
    try {
      warning = (await resolveDevice(device)).warning;
    } catch (err) {
      if (err instanceof DeviceUnavailableError) throw new UserError(err.message);
      throw err;
    }
    if (warning) ctx.out.info(`Warning: ${warning}`);
    const where = device === 'cpu' ? 'the CPU' : DEVICE_LABEL[device];
    const sizes = size === 'all' ? SIZES : [size];
    // Every size must keep at least one layer trainable, as `train --freeze-layers` requires.
    const fewest = Math.min(...sizes.map((s) => BENCH_SIZES[s].layers));
    if (freezeLayers > fewest - 1) throw new UserError(`Option --freeze-layers must be at most ${fewest - 1} for BERT-${sizes.find((s) => BENCH_SIZES[s].layers === fewest)} (${fewest} layers; one must stay trainable), got ${freezeLayers}.`);
    for (const s of sizes) {
      const split = microBatch !== undefined && microBatch < batch ? `, micro-batch ${microBatch}` : '';
      const frozen = freezeLayers ? `, embeddings + ${freezeLayers} layer(s) frozen` : '';
      ctx.out.info(`Benchmarking BERT-${s} (batch ${batch} × seq ${seq}${split}${frozen}) on ${where}…`);
      const ref = referenceFile ? pickReference(referenceFile, s, batch, seq, device === 'cpu' ? 'cpu' : 'cuda') : undefined;
      const r = await benchSize(s, { batch, seq, steps, device, signal: ctx.signal, ...(microBatch !== undefined ? { microBatch } : {}), freezeLayers, precision: choice(args, 'precision', ['fp32', 'fp16'] as const) ?? 'fp32', ...(ref ? { reference: ref } : {}) });
      const traffic = r.host_device_bytes_per_step !== null ? `, ${r.host_device_bytes_per_step} B host↔device per step, ${r.cpu_nodes} nodes on the CPU` : '';
      ctx.out.result(r, () =>
        `${s.padEnd(5)} ${r.sec_per_step.toFixed(3)} s/step, ${r.tokens_per_sec} tokens/s, inference ${r.infer_sec_per_batch.toFixed(3)} s/batch, peak RSS ${r.peak_rss_mib} MiB${traffic}` +
        (r.ratio !== null ? `; ${r.ratio}× ${r.reference}'s ${r.reference_sec_per_step} s/step` : ''),
      );
    }
  },
};
