import type { Command, CommandContext } from '../command.ts';
import { UserError } from '../errors.ts';
import { flag, num, str } from '../parse.ts';
import { exportJob } from '../../cluster/export-job.ts';
import { JobExportError } from '../../cluster/job-spec.ts';
import { importTrainedRun } from '../../cluster/import-trained.ts';
import { withStore } from './datasets.ts';

async function asUserError<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof JobExportError) throw new UserError(err.message);
    throw err;
  }
}

/** `bert-studio export-job --run ID --out DIR`: the run as a transformers.Trainer job for a cluster (main/cluster). */
export const exportJobCommand: Command = {
  name: 'export-job',
  summary: 'Write a run as a cluster job (data, base model, train.py on transformers.Trainer, accelerate/torchrun launch lines)',
  usage: '--run ID --out DIR [--include-base]',
  options: [
    { name: 'run', type: 'string', value: 'ID', help: 'The run whose data and settings the job repeats' },
    { name: 'out', type: 'string', value: 'DIR', help: 'A new or empty folder for the job' },
    { name: 'include-base', type: 'boolean', help: 'Copy a pretrained base model into the job (for clusters without the Hugging Face Hub)' },
  ],
  async run(ctx, args) {
    const runId = num(args, 'run', { min: 1, integer: true });
    const out = str(args, 'out');
    if (runId === undefined) throw new UserError('Option --run ID is required: the run to export (list them with: bert-studio runs).');
    if (!out) throw new UserError('Option --out DIR is required: a new folder for the job.');
    const r = await withStore(ctx.home, (store) => asUserError(exportJob(store, ctx.home, runId, out, { includeBase: flag(args, 'include-base') })));
    ctx.out.result({ folder: r.folder, job: r.job, files: r.files }, () =>
      [`Wrote run ${runId} as a cluster job in ${r.folder} (${r.files.length} files).`, `  One GPU:     cd ${r.folder} && accelerate launch --num_processes 1 train.py`, `  Back here:   bert-studio models add ${r.folder}/output/model`, '  README.md there has the multi-GPU and multi-node lines.'].join('\n'),
    );
  },
};

/** `bert-studio models add DIR` for a folder an exported job trained: a new run evaluated on the source run's splits. */
export async function addTrainedFolder(ctx: CommandContext, dir: string, sourceRun: number): Promise<void> {
  const r = await withStore(ctx.home, (store) => asUserError(importTrainedRun(store, ctx.home, dir, sourceRun)));
  ctx.out.result(r, () =>
    [`Imported ${dir} as run ${r.runId}, next to run ${r.sourceRun} in History. Evaluated by the app:`, ...(['validation', 'test'] as const).flatMap((s) => Object.entries(r.metrics[s]).map(([k, v]) => `  ${s.padEnd(10)} ${k.padEnd(20)} ${v.toFixed(4)}`))].join('\n'),
  );
}
