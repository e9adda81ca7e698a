import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext, ParsedArgs } from '../command.ts';
import { UserError } from '../errors.ts';
import { num, str } from '../parse.ts';
import { getRun } from '../../store/index.ts';
import { runDirOf } from '../../train/run-service.ts';
import { withStore } from './datasets.ts';

/** The trained model folder named by --run ID or --model DIR (exactly one of them). */
export async function trainedModelDir(ctx: CommandContext, args: ParsedArgs): Promise<string> {
  const runId = num(args, 'run', { min: 1, integer: true });
  const modelDir = str(args, 'model');
  if ((runId === undefined) === (modelDir === undefined)) throw new UserError('Choose the model: --run ID (a training run) or --model DIR (a trained model folder).');
  if (modelDir !== undefined) {
    const dir = path.resolve(modelDir);
    if (!fs.existsSync(path.join(dir, 'config.json'))) throw new UserError(`${dir} is not a model folder (it has no config.json).`);
    return dir;
  }
  return withStore(ctx.home, (store) => {
    const run = getRun(store, runId!);
    if (!run) throw new UserError(`There is no run ${runId}; list runs with 'bert-studio runs'.`);
    const dir = path.join(runDirOf(ctx.home, run.id), 'model');
    if (!fs.existsSync(path.join(dir, 'config.json'))) throw new UserError(`Run ${run.id} has no trained model yet (status: ${run.status}); train or resume it first.`);
    return dir;
  });
}
