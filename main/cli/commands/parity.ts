import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { str } from '../parse.ts';
import { runParity } from '../../engine/parity.ts';
import { ModelFormatError } from '../../models/config.ts';
import { writeSafetensors } from '../../models/safetensors.ts';

export const parityCommand: Command = {
  name: 'parity',
  summary: 'Check the engine against a PyTorch parity fixture (logits, loss, gradients, AdamW steps)',
  usage: 'FIXTURE_DIR [--out DIR] [--json]',
  positionals: { min: 1, max: 1 },
  options: [{ name: 'out', type: 'string', value: 'DIR', help: 'Folder for parity.json and after.safetensors (default: HOME/parity/<fixture>)' }],
  async run(ctx, args) {
    const dir = path.resolve(args.positionals[0]);
    if (!fs.existsSync(path.join(dir, 'expected.json'))) throw new UserError(`${dir} is not a parity fixture: it has no expected.json.`);
    const out = path.resolve(str(args, 'out') ?? path.join(ctx.home, 'parity', path.basename(dir)));
    let result;
    try {
      result = await runParity(dir);
    } catch (err) {
      if (err instanceof ModelFormatError) throw new UserError(err.message);
      throw err;
    }
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'parity.json'), JSON.stringify(result.report, null, 2) + '\n');
    writeSafetensors(path.join(out, 'after.safetensors'), result.after);
    const failed = Object.keys(result.errors).filter((k) => !(result.errors[k] <= result.tolerances[k]));
    ctx.out.info(`Wrote ${path.join(out, 'parity.json')} and after.safetensors.`);
    ctx.out.result({ fixture: path.basename(dir), pass: result.pass, max_rel_error: result.errors, tolerance: result.tolerances, failed, out }, () =>
      [
        ...Object.entries(result.errors).map(([k, e]) => `${e <= result.tolerances[k] ? 'ok  ' : 'FAIL'} ${k.padEnd(26)} ${e.toExponential(2)} (≤ ${result.tolerances[k]})`),
        result.pass ? `${path.basename(dir)}: parity holds.` : `${path.basename(dir)}: parity FAILED for ${failed.join(', ')}.`,
      ].join('\n'),
    );
    return result.pass ? 0 : 1;
  },
};
