import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import { createProject, deleteProject, DuplicateProjectError, getProject, listProjects, listRuns, renameProject } from '../../store/index.ts';
import { runDirOf } from '../../train/run-service.ts';
import { defaultExportFolder } from './exports.ts';
import type { ServiceContext } from './context.ts';
import { projectSummary } from './convert.ts';

type ProjectHandlers = Pick<ApiHandlers, 'projects.list' | 'projects.create' | 'projects.rename' | 'projects.delete'>;

function summaryOf(ctx: ServiceContext, id: number) {
  const p = listProjects(ctx.store).find((x) => x.id === id);
  if (!p) throw notFound('This project');
  return projectSummary(p);
}

function duplicateAsConflict<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DuplicateProjectError) throw new ApiFailure('conflict', err.message);
    throw err;
  }
}

/** True when `file` lies inside `folder` (not the folder itself). */
function isInside(folder: string, file: string): boolean {
  const rel = path.relative(path.resolve(folder), path.resolve(file));
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
}

/**
 * `stopRuns` cancels the project's live runs and waits for them, so a trainer never writes
 * metrics or checkpoints for a run whose rows were just deleted.
 */
export function projectsService(ctx: ServiceContext, stopRuns: (runIds: readonly number[]) => Promise<void> = async () => undefined): ProjectHandlers {
  return {
    'projects.list': () => listProjects(ctx.store).map(projectSummary),
    'projects.create': ({ name }) => summaryOf(ctx, duplicateAsConflict(() => createProject(ctx.store, name)).id),
    'projects.rename': ({ projectId, name }) => {
      if (!getProject(ctx.store, projectId)) throw notFound('This project');
      return summaryOf(ctx, duplicateAsConflict(() => renameProject(ctx.store, projectId, name)).id);
    },
    'projects.delete': async ({ projectId }) => {
      if (!getProject(ctx.store, projectId)) throw notFound('This project');
      const runIds = listRuns(ctx.store, { projectId }).map((r) => r.id);
      await stopRuns(runIds);
      const { deleted, artifactPaths } = deleteProject(ctx.store, projectId);
      if (!deleted) throw notFound('This project');
      // The rows are gone in one transaction; files are best effort (a leftover file is harmless).
      // Only files under the home are the app's: an export the user wrote to a folder of their
      // choosing is theirs, and deleting its main file would leave a broken model folder behind.
      const owned = [...artifactPaths.filter((p) => isInside(ctx.home, p)), ...runIds.flatMap((id) => [runDirOf(ctx.home, id), defaultExportFolder(ctx.home, id)])];
      for (const p of owned) fs.rmSync(p, { recursive: true, force: true });
      return { deleted: true };
    },
  };
}
