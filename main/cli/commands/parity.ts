import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, str } from '../parse.ts';
import { startFailure, placementNote } from '../../engine/devices.ts';
import { runParity } from '../../engine/parity.ts';
import { availableDevices, firstLine } from '../../engine/runtime.ts';
import { ModelFormatError } from '../../models/config.ts';
import { writeSafetensors } from '../../models/safetensors.ts';

export const parityCommand: Command = {
  name: 'parity',
  summary: 'Check the engine against a PyTorch parity fixture (logits, loss, gradients, AdamW steps)',
  usage: 'FIXTURE_DIR [--device cpu|webgpu] [--precision fp32|fp16] [--out DIR] [--json]',
  positionals: { min: 1, max: 1 },
  options: [
    { name: 'out', type: 'string', value: 'DIR', help: 'Folder for parity.json and after.safetensors (default: HOME/parity/<fixture>)' },
    { name: 'device', type: 'string', value: 'D', help: `Execution provider to run every graph on: ${availableDevices().join(', ')} (default cpu); other than cpu, nodes ORT runs on the CPU instead are reported` },
    { name: 'precision', type: 'string', value: 'P', help: 'fp32 (default: the tolerances of fp32, 1e-4) or fp16 (mixed precision, checked with its documented tolerances)' },
  ],
  async run(ctx, args) {
    const dir = path.resolve(args.positionals[0]);
    if (!fs.existsSync(path.join(dir, 'expected.json'))) throw new UserError(`${dir} is not a parity fixture: it has no expected.json.`);
    const device = choice(args, 'device', availableDevices()) ?? 'cpu';
    const out = path.resolve(str(args, 'out') ?? path.join(ctx.home, 'parity', path.basename(dir)));
    let result;
    try {
      result = await runParity(dir, { device, precision: choice(args, 'precision', ['fp32', 'fp16'] as const) ?? 'fp32' });
    } catch (err) {
      if (err instanceof ModelFormatError) throw new UserError(err.message);
      // A provider that does not start on this machine is the machine's state, not a bug: say why.
      if (device !== 'cpu' && /Failed to get a WebGPU adapter|Failed to load library|cannot open shared object/i.test(firstLine(err))) throw new UserError(startFailure(device, firstLine(err)));
      throw err;
    }
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'parity.json'), JSON.stringify(result.report, null, 2) + '\n');
    writeSafetensors(path.join(out, 'after.safetensors'), result.after);
    const failed = Object.keys(result.errors).filter((k) => !(result.errors[k] <= result.tolerances[k]));
    ctx.out.info(`Wrote ${path.join(out, 'parity.json')} and after.safetensors.`);
    const placement = result.placement;
    ctx.out.result({ fixture: path.basename(dir), device: result.device, precision: choice(args, 'precision', ['fp32', 'fp16'] as const) ?? 'fp32', pass: result.pass, max_rel_error: result.errors, tolerance: result.tolerances, failed, out, ...(placement ? { placement } : {}) }, () =>
      [
        ...Object.entries(result.errors).map(([k, e]) => `${e <= result.tolerances[k] ? 'ok  ' : 'FAIL'} ${k.padEnd(26)} ${e.toExponential(2)} (≤ ${result.tolerances[k]})`),
        ...(placement ? [`On ${result.device}: ${placementNote(placement)}.`] : []),
        result.pass ? `${path.basename(dir)}: parity holds on ${result.device}.` : `${path.basename(dir)}: parity FAILED on ${result.device} for ${failed.join(', ')}.`,
      ].join('\n'),
    );
    return result.pass ? 0 : 1;
  },
};
