import type { CommandContext, ParsedArgs } from '../command.ts';
import { UserError } from '../errors.ts';
import { flag, num, str } from '../parse.ts';
import { isLoopback, parseListen } from '../../server/team/listen.ts';
import { startTeamServer } from '../../server/team/server.ts';
import { serverTls } from '../../server/team/tls-setup.ts';
import { TeamUserError } from '../../server/team/users.ts';

/** `bert-studio serve --listen HOST:PORT`: the training server for a team (see README, "A team training server"). */
export async function serveTeam(ctx: CommandContext, args: ParsedArgs, listen: string): Promise<void> {
  const where = parseListen(listen);
  if (typeof where === 'string') throw new UserError(where);
  const plain = flag(args, 'plain-http');
  if (plain && !isLoopback(where.host)) throw new UserError(`--plain-http is only allowed on a loopback address (127.0.0.1 or ::1), not ${where.host}: tokens would cross the network in the clear. Drop --plain-http to serve HTTPS.`);
  if (plain && (str(args, 'cert') !== undefined || str(args, 'key') !== undefined)) throw new UserError('--plain-http and --cert/--key contradict each other: choose one.');
  const maxMb = num(args, 'max-upload-mb', { min: 1, max: 1_000_000 }) ?? 512;
  let tls;
  try {
    tls = plain ? undefined : serverTls(ctx.home, str(args, 'cert'), str(args, 'key'), where.host);
  } catch (err) {
    if (err instanceof TeamUserError) throw new UserError(err.message);
    throw err;
  }
  const server = await startTeamServer({ home: ctx.home, host: where.host, port: where.port, ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}), maxUploadBytes: Math.round(maxMb * 2 ** 20) });
  ctx.out.info(`BERT Studio training server at ${server.url}`);
  if (tls) ctx.out.info(`Certificate SHA-256 fingerprint (clients pin it): ${tls.fingerprint}${tls.generated ? `\n  (self-signed, made by the server: ${tls.generated})` : ''}`);
  if (server.resumed.length) ctx.out.info(`Resuming interrupted runs from their checkpoints: ${server.resumed.join(', ')}`);
  ctx.out.info('Users log in with tokens from `bert-studio users add NAME`. Press Ctrl+C to stop.');
  if (ctx.json) ctx.out.result({ url: server.url, port: server.port, fingerprint: tls?.fingerprint ?? null, resumed: server.resumed });
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
}
