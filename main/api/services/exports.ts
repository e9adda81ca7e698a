import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import type { ExportArtifact } from '../types.ts';
import { getRun, listArtifacts } from '../../store/index.ts';
import { runDirOf } from '../../train/run-service.ts';
import type { ServiceContext } from './context.ts';
import type { ExportPort } from './core.ts';
import { need } from './need.ts';

type ExportHandlers = Pick<ApiHandlers, 'export.start' | 'export.list'>;

/** Where exports go when the user did not choose a folder: inside the home, per run. */
export function defaultExportFolder(home: string, runId: number): string {
  return path.join(home, 'exports', `run-${runId}`);
}

/**
 * Exports run as a background job (they verify the model, which takes a while): `export.start`
 * returns a job id at once, `export.progress` events follow, the last one with the artifacts.
 */
export function exportsService(ctx: ServiceContext, port: ExportPort | undefined): ExportHandlers {
  return {
    'export.start': ({ runId, formats, folder }) => {
      const ex = need(port, 'Export', 'main/export exportRun');
      const r = getRun(ctx.store, runId);
      if (!r) throw notFound('This run');
      if (r.status !== 'completed') throw new ApiFailure('conflict', `Run ${runId} is ${r.status}; only a finished run can be exported.`);
      const out = path.resolve(folder ?? defaultExportFolder(ctx.home, runId));
      fs.mkdirSync(out, { recursive: true });
      const jobId = `export-${randomBytes(6).toString('hex')}`;
      const controller = new AbortController();
      const emit = (e: Omit<Parameters<typeof ctx.events.emit<'export.progress'>>[1], 'jobId' | 'runId'>) => ctx.events.emit('export.progress', { jobId, runId, ...e });
      void (async () => {
        const artifacts: ExportArtifact[] = [];
        try {
          for (const [i, format] of [...new Set(formats)].entries()) {
            emit({ format, phase: 'starting', fraction: i / formats.length, done: false });
            const a = await ex.exportRun(ctx.store, ctx.home, runId, format, path.join(out, format), {
              signal: controller.signal,
              onProgress: (p) => emit({ format, phase: p.phase, fraction: (i + p.fraction) / formats.length, done: false }),
            });
            artifacts.push(a);
          }
          emit({ format: null, phase: 'done', fraction: 1, done: true, artifacts });
        } catch (err) {
          emit({ format: null, phase: 'failed', fraction: 1, done: true, artifacts, error: err instanceof Error ? err.message : String(err) });
        }
      })();
      return { jobId, runId, folder: out };
    },
    'export.list': ({ runId }) => {
      if (!getRun(ctx.store, runId)) throw notFound('This run');
      return listArtifacts(ctx.store, runId)
        // Artifacts are recorded only after the export verified them (main/export), hence `verified`;
        // checkpoints and the trained model inside the run's own folder are not exports.
        .filter((a) => a.kind !== 'checkpoint' && !a.path.startsWith(runDirOf(ctx.home, runId) + path.sep))
        .map((a) => ({ format: a.kind as ExportArtifact['format'], path: a.path, sizeBytes: a.size, verified: true }));
    },
  };
}
