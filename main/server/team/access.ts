import type { Store } from '../../store/index.ts';
import { getDataset, getProject, getRun } from '../../store/index.ts';
import { ApiFailure, notFound } from '../../api/errors.ts';
import type { TeamDb } from './team-db.ts';

export type Role = 'owner' | 'shared';

/**
 * Who may touch which project on the training server. Datasets and runs belong to a project in
 * the store, so one row per (project, user) decides for all three. A project nobody was given
 * (made before the server, or by the CLI on the server) belongs to no user: only the admin's CLI sees it.
 */
export class ProjectAccess {
  constructor(
    private readonly db: TeamDb,
    private readonly store: Store,
  ) {}

  roleOf(projectId: number, user: string): Role | undefined {
    const row = this.db.prepare('SELECT role FROM project_access WHERE project_id = ? AND user = ?').get(projectId, user) as { role: Role } | undefined;
    return row?.role;
  }

  projectsOf(user: string): Set<number> {
    return new Set((this.db.prepare('SELECT project_id FROM project_access WHERE user = ?').all(user) as { project_id: number }[]).map((r) => r.project_id));
  }

  grant(projectId: number, user: string, role: Role): void {
    this.db.prepare('INSERT INTO project_access (project_id, user, role) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET role = excluded.role').run(projectId, user, role);
  }

  forget(projectId: number): void {
    this.db.prepare('DELETE FROM project_access WHERE project_id = ?').run(projectId);
  }

  /** Throws not_found for a project that does not exist and forbidden for one of another user. */
  checkProject(projectId: number, user: string, need: Role = 'shared'): void {
    if (!getProject(this.store, projectId)) throw notFound('This project');
    const role = this.roleOf(projectId, user);
    if (role === undefined) throw new ApiFailure('forbidden', 'This project belongs to another user of the training server. Ask its owner to share it with you.');
    if (need === 'owner' && role !== 'owner') throw new ApiFailure('forbidden', 'Only the owner of this shared project can rename or delete it, or delete its data.');
  }

  checkDataset(datasetId: number, user: string, need: Role = 'shared'): void {
    const d = getDataset(this.store, datasetId);
    if (!d) throw notFound('This dataset');
    this.checkProject(d.projectId, user, need);
  }

  checkRun(runId: number, user: string): void {
    const r = getRun(this.store, runId);
    if (!r) throw notFound('This run');
    this.checkProject(r.projectId, user);
  }

  /** For filtering events: never throws. */
  mayReadRun(runId: number, user: string): boolean {
    const r = getRun(this.store, runId);
    return r !== undefined && this.roleOf(r.projectId, user) !== undefined;
  }
}
