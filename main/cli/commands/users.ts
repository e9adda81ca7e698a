import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { openTeamDb } from '../../server/team/team-db.ts';
import { addUser, listUsers, revokeUser, shareProject, TeamUserError } from '../../server/team/users.ts';
import { num } from '../parse.ts';
import { withStore } from './datasets.ts';

/**
 * `bert-studio users add|revoke|list`: the training server's accounts. A token is printed once,
 * at `add`; the server keeps only its hash, so a lost token is replaced by revoke + add.
 */
export const usersCommand: Command = {
  name: 'users',
  summary: 'Manage the training server’s users: add NAME (prints its token once), revoke NAME, share NAME --project ID, list',
  usage: 'add NAME | revoke NAME | share NAME --project ID | list',
  options: [{ name: 'project', type: 'string', value: 'ID', help: 'share: the project (id from bert-studio projects) to give NAME access to' }],
  positionals: { min: 1, max: 2 },
  async run(ctx, args) {
    const [action, name] = args.positionals;
    const db = openTeamDb(ctx.home);
    try {
      if (action === 'list') {
        const users = listUsers(db);
        ctx.out.result({ users }, () => (users.length ? users.map((u) => `  ${u.name}  added ${u.createdAt}${u.revokedAt ? `  revoked ${u.revokedAt}` : ''}`).join('\n') : 'No users yet. Add one with: bert-studio users add NAME'));
        return;
      }
      if (action !== 'add' && action !== 'revoke' && action !== 'share') throw new UserError(`Unknown 'users' action '${action}'. Use add NAME, revoke NAME, share NAME --project ID or list.`);
      if (name === undefined) throw new UserError(`'bert-studio users ${action}' needs a user name, e.g. bert-studio users ${action} alice.`);
      if (action === 'revoke') {
        revokeUser(db, name);
        ctx.out.result({ user: name, revoked: true }, () => `Revoked ${name}: the token stops working on the server's next request.`);
        return;
      }
      if (action === 'share') {
        const projectId = num(args, 'project', { min: 1, integer: true });
        if (projectId === undefined) throw new UserError('users share needs --project ID: the project to share (ids from bert-studio projects).');
        await withStore(ctx.home, (store) => shareProject(db, store, projectId, name));
        ctx.out.result({ user: name, project: projectId, shared: true }, () => `${name} can now open project ${projectId}, its data and runs (not rename or delete it).`);
        return;
      }
      const token = addUser(db, name);
      ctx.out.result({ user: name, token }, () => `Added ${name}. Their token (shown only now; give it to them privately):\n\n  ${token}\n\nIn the app: Settings → Training server → URL and this token.`);
    } catch (err) {
      if (err instanceof TeamUserError) throw new UserError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};
