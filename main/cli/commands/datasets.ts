import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { str } from '../parse.ts';
import type { Store } from '../../store/index.ts';
import { findProjectByName, getProject, listDatasets, NewerDatabaseError, openStore } from '../../store/index.ts';

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'List imported datasets',
  usage: '[--project NAME]',
  options: [{ name: 'project', type: 'string', value: 'NAME', help: 'Only the datasets of this project' }],
  async run(ctx, args) {
    const projectName = str(args, 'project');
    const rows = await withStore(ctx.home, (store) => {
      const projectId = projectFilter(store, projectName);
      return listDatasets(store, projectId === undefined ? {} : { projectId }).map((d) => ({
        id: d.id,
        name: d.name,
        project: getProject(store, d.projectId)?.name ?? null,
        projectId: d.projectId,
        task: d.task,
        rows: d.rowCount,
        splits: d.splits,
        labels: d.labels.length,
        files: d.sourceFiles,
        createdAt: d.createdAt,
      }));
    });
    ctx.out.result({ datasets: rows }, () =>
      rows.length === 0
        ? 'No datasets yet. Import one with: bert-studio import FILE --task classification'
        : rows.map((d) => `${String(d.id).padStart(4)}  ${d.name}  [${d.task}]  project ${d.project}  ${d.rows} rows (train ${d.splits.train}, validation ${d.splits.validation}, test ${d.splits.test})  ${d.labels} labels  ${d.createdAt}`).join('\n'),
    );
  },
};

/** The id of the project named by --project (undefined when not given); an unknown name is a user error. */
export function projectFilter(store: Store, projectName: string | undefined): number | undefined {
  if (projectName === undefined) return undefined;
  const p = findProjectByName(store, projectName);
  if (!p) throw new UserError(`There is no project named '${projectName}'. Run 'bert-studio projects' to see them.`);
  return p.id;
}

/** Opens the store in the home folder for a command, turning known failures into user errors, and closes it after. */
export async function withStore<T>(home: string, fn: (store: Store) => Promise<T> | T): Promise<T> {
  let store: Store;
  try {
    store = openStore(home);
  } catch (err) {
    if (err instanceof NewerDatabaseError) throw new UserError(err.message);
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new UserError(`The database in ${home} is damaged or not a BERT Studio database. Move it away and run the command again, or use another --home folder.`);
    if (code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') throw new UserError(`Cannot write to ${home}. Choose a folder you can write to with --home.`);
    throw err;
  }
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
