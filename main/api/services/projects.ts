import fs from 'node:fs';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import { createProject, deleteProject, DuplicateProjectError, getProject, listProjects, renameProject } from '../../store/index.ts';
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

export function projectsService(ctx: ServiceContext): ProjectHandlers {
  return {
    'projects.list': () => listProjects(ctx.store).map(projectSummary),
    'projects.create': ({ name }) => summaryOf(ctx, duplicateAsConflict(() => createProject(ctx.store, name)).id),
    'projects.rename': ({ projectId, name }) => {
      if (!getProject(ctx.store, projectId)) throw notFound('This project');
      return summaryOf(ctx, duplicateAsConflict(() => renameProject(ctx.store, projectId, name)).id);
    },
    'projects.delete': ({ projectId }) => {
      const { deleted, artifactPaths } = deleteProject(ctx.store, projectId);
      if (!deleted) throw notFound('This project');
      // The rows are gone in one transaction; files are best effort (a leftover file is harmless).
      for (const p of artifactPaths) fs.rmSync(p, { recursive: true, force: true });
      return { deleted: true };
    },
  };
}
