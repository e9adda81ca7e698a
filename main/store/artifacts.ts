import type { Store } from './db.ts';
import { now } from './db.ts';
import type { Artifact, ArtifactKind, NewArtifact } from './types.ts';

interface ArtifactRow {
  id: number;
  run_id: number;
  kind: ArtifactKind;
  path: string;
  size: number;
  sha256: string;
  created_at: string;
}

function toArtifact(r: ArtifactRow): Artifact {
  return { id: r.id, runId: r.run_id, kind: r.kind, path: r.path, size: r.size, sha256: r.sha256, createdAt: r.created_at };
}

/** Records a file the trainer or exporter wrote (the file itself stays on disk under home). */
export function addArtifact(store: Store, artifact: NewArtifact): Artifact {
  if (!/^[0-9a-f]{64}$/.test(artifact.sha256)) throw new Error(`addArtifact: sha256 must be 64 lowercase hex digits, got '${artifact.sha256}'.`);
  const at = now();
  const info = store.db
    .prepare('INSERT INTO artifacts (run_id, kind, path, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(artifact.runId, artifact.kind, artifact.path, artifact.size, artifact.sha256, at);
  return { ...artifact, id: Number(info.lastInsertRowid), createdAt: at };
}

export function listArtifacts(store: Store, runId: number, kind?: ArtifactKind): Artifact[] {
  const rows = kind
    ? store.db.prepare('SELECT * FROM artifacts WHERE run_id = ? AND kind = ? ORDER BY id').all(runId, kind)
    : store.db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id').all(runId);
  return (rows as ArtifactRow[]).map(toArtifact);
}

/** Forgets an artifact row (e.g. an old checkpoint the trainer pruned); returns its path. */
export function deleteArtifact(store: Store, id: number): string | undefined {
  const row = store.db.prepare('SELECT path FROM artifacts WHERE id = ?').get(id) as { path: string } | undefined;
  store.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id);
  return row?.path;
}
