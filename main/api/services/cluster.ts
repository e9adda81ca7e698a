import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';
import { exportJob } from '../../cluster/export-job.ts';
import { exportedRunOf, importTrainedRun } from '../../cluster/import-trained.ts';
import { JobExportError } from '../../cluster/job-spec.ts';
import { getRun } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import { runSummary } from './convert.ts';

type ClusterHandlers = Pick<ApiHandlers, 'runs.exportJob' | 'models.importTrained'>;

async function userFacing<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof JobExportError) throw new ApiFailure('invalid_request', err.message);
    throw err;
  }
}

/** A new folder under exports/: run-N-job, else run-N-job-2, -3 … (an export never overwrites another). */
function freeFolder(home: string, runId: number): string {
  const base = path.join(home, 'exports', `run-${runId}-job`);
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/** History's "Export as a cluster job" and "Import a trained model" (main/cluster). */
export function clusterService(ctx: ServiceContext): ClusterHandlers {
  return {
    'runs.exportJob': async ({ runId, folder }) => {
      const r = await userFacing(exportJob(ctx.store, ctx.home, runId, folder ?? freeFolder(ctx.home, runId)));
      return { runId, folder: r.folder, files: r.files.length };
    },
    'models.importTrained': async ({ path: dir }) => {
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ApiFailure('not_found', `${dir} is not a folder. Choose the output/model folder the cluster job wrote.`);
      const source = exportedRunOf(dir);
      if (source === undefined) throw new ApiFailure('invalid_request', `${dir} does not say which run it was trained from (its bert_studio.json has no exportedRun): choose the output/model folder of a job written by "Export as a cluster job". To use a Hugging Face model as a base, add it on the Base model screen instead.`);
      const r = await userFacing(importTrainedRun(ctx.store, ctx.home, dir, source));
      const run = getRun(ctx.store, r.runId);
      if (run) ctx.events.emit('run.status', runSummary(run));
      return r;
    },
  };
}
