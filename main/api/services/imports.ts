import fs from 'node:fs';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import { getDataset, getProject } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import { datasetSummary } from './convert.ts';
import type { ImportPort, ImportProgress, ImportRequest } from './core.ts';
import { need } from './need.ts';

type ImportHandlers = Pick<ApiHandlers, 'import.preview' | 'import.analyze' | 'import.commit' | 'import.cancel'>;

const WAITING = 'main/data previewFile / analyzeImport / importDataset';

function checkFile(path: string): void {
  if (!fs.existsSync(path)) throw new ApiFailure('not_found', `The file ${path} does not exist. Choose it again.`);
  if (fs.statSync(path).isDirectory()) return; // a folder of one sub-folder per class is a valid source
}

/** Import jobs: progress goes to every page as `import.progress`; a job can be cancelled by its id. */
export function importsService(ctx: ServiceContext, port: ImportPort | undefined): ImportHandlers {
  const jobs = new Map<string, AbortController>();
  let anonymous = 0;

  async function job<T>(jobId: string | undefined, run: (hooks: { onProgress(p: ImportProgress): void; signal: AbortSignal }) => Promise<T>): Promise<T> {
    const id = jobId ?? `import-${++anonymous}`;
    const controller = new AbortController();
    jobs.get(id)?.abort();
    jobs.set(id, controller);
    try {
      return await run({ onProgress: (p) => ctx.events.emit('import.progress', { jobId: id, ...p }), signal: controller.signal });
    } finally {
      if (jobs.get(id) === controller) jobs.delete(id);
    }
  }

  function request(p: ImportRequest & { jobId?: string }): ImportRequest {
    if (!getProject(ctx.store, p.projectId)) throw notFound('This project');
    checkFile(p.path);
    const { jobId: _jobId, ...req } = p;
    if (req.splits.mode === 'random' && Math.abs(req.splits.train + req.splits.validation + req.splits.test - 1) > 1e-6) {
      throw new ApiFailure('invalid_request', 'The train, validation and test shares must add up to 100%.');
    }
    return req;
  }

  return {
    'import.preview': async ({ path, sheet }) => {
      const imp = need(port, 'Importing data', WAITING);
      checkFile(path);
      return imp.preview(path, sheet === undefined ? {} : { sheet });
    },
    'import.analyze': (p) => {
      const imp = need(port, 'Importing data', WAITING);
      const req = request(p);
      return job(p.jobId, (hooks) => imp.analyze(ctx.store, req, hooks));
    },
    'import.commit': (p) => {
      const imp = need(port, 'Importing data', WAITING);
      const req = request(p);
      return job(p.jobId, async (hooks) => {
        const { datasetId, report } = await imp.commit(ctx.store, req, hooks);
        const d = getDataset(ctx.store, datasetId);
        if (!d) throw new ApiFailure('internal', 'The dataset was imported but cannot be read back. Try the import again.');
        return { dataset: datasetSummary(d), report };
      });
    },
    'import.cancel': ({ jobId }) => {
      const c = jobs.get(jobId);
      c?.abort();
      return { cancelled: c !== undefined };
    },
  };
}
