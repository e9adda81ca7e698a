import { spawn } from 'node:child_process';
import type { Command } from '../command.ts';
import { flag, num, str } from '../parse.ts';
import { serveTeam } from './serve-team.ts';
import { startServer } from '../../server/http.ts';

/** Opens a URL in the user's default browser; failures are ignored (the URL is printed anyway). */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser launcher on this machine: the printed URL is enough.
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in your browser on 127.0.0.1 (browser mode), or run a training server for a team (--listen)',
  usage: '[--port P] [--open] | --listen HOST:PORT [--cert FILE --key FILE] [--max-upload-mb N]',
  options: [
    { name: 'port', type: 'string', value: 'P', help: 'Port to listen on (default: a free port)' },
    { name: 'open', type: 'boolean', help: 'Open the app in the default browser' },
    { name: 'listen', type: 'string', value: 'HOST:PORT', help: 'Run a training server for a team on this address (HTTPS, users from `bert-studio users add`)' },
    { name: 'cert', type: 'string', value: 'FILE', help: 'Training server: PEM certificate (default: a self-signed one, fingerprint printed)' },
    { name: 'key', type: 'string', value: 'FILE', help: 'Training server: PEM private key of --cert' },
    { name: 'max-upload-mb', type: 'string', value: 'N', help: 'Training server: largest upload accepted, in MiB (default 512)' },
    { name: 'plain-http', type: 'boolean', help: 'Training server on a loopback address only: HTTP without TLS' },
  ],
  async run(ctx, args) {
    const listen = str(args, 'listen');
    if (listen !== undefined) return serveTeam(ctx, args, listen);
    const port = num(args, 'port', { min: 0, max: 65535, integer: true });
    const server = await startServer({ port, home: ctx.home });
    ctx.out.info(`BERT Studio is running at ${server.url}`);
    ctx.out.info('Only this computer can reach it. Press Ctrl+C to stop.');
    if (ctx.json) ctx.out.result({ url: server.url, port: server.port });
    if (flag(args, 'open')) openBrowser(server.url);
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    await server.close();
  },
};
