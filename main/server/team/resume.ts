import type { Api } from '../../api/services/index.ts';
import { listRuns, openStore } from '../../store/index.ts';
import type { TeamDb } from './team-db.ts';

/**
 * Runs the last server process left unfinished, oldest first: those still marked running or
 * queued (the process was killed) and those it stopped itself on shutdown (recorded in team.db,
 * since a clean stop marks them cancelled). Read before the API opens the store, because opening
 * it marks interrupted runs failed.
 */
export function interruptedRuns(home: string, db: TeamDb): number[] {
  const store = openStore(home);
  try {
    const killed = [...listRuns(store, { status: 'running' }), ...listRuns(store, { status: 'queued' })].map((r) => r.id);
    const stopped = (db.prepare('SELECT run_id FROM resume_on_start').all() as { run_id: number }[]).map((r) => r.run_id);
    return [...new Set([...killed, ...stopped])].sort((a, b) => a - b);
  } finally {
    store.close();
  }
}

/** Remembers live runs before a clean shutdown cancels them, so the next start resumes them. */
export function rememberLiveRuns(api: Api, db: TeamDb): void {
  const live = [...listRuns(api.store, { status: 'running' }), ...listRuns(api.store, { status: 'queued' })];
  const insert = db.prepare('INSERT OR IGNORE INTO resume_on_start (run_id) VALUES (?)');
  db.transaction(() => live.forEach((r) => insert.run(r.id)))();
}

/**
 * Puts each run back in the training queue from its last checkpoint (one trains at a time; the
 * rest wait). A run that cannot continue (its dataset was deleted) stays failed with the reason.
 */
export async function resumeRuns(api: Api, runIds: readonly number[], db: TeamDb): Promise<number[]> {
  const resumed: number[] = [];
  // A run the last server cancelled on a clean stop already stored its final metrics (of the best
  // weights so far); the resumed run stores its own when it really ends.
  const dropFinals = api.store.db.prepare("DELETE FROM metrics WHERE run_id = ? AND name LIKE 'final\\_%' ESCAPE '\\'");
  for (const runId of runIds) {
    dropFinals.run(runId);
    const r = await Promise.resolve()
      .then(() => api.handlers['runs.resume']({ runId }, { caller: 'training-server' }))
      .catch((err: unknown) => {
      console.error(`bert-studio: run ${runId} could not be resumed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (r) resumed.push(runId);
    db.prepare('DELETE FROM resume_on_start WHERE run_id = ?').run(runId);
  }
  return resumed;
}
