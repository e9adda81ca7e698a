import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/bert-studio.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (the --json result), if it is JSON. */
  readonly json: Record<string, unknown> | undefined;
}

/**
 * Runs the real `bert-studio` entry in a child process. The machine's proxy variables are
 * cleared unless `env` sets them, so tests talk to their own servers only.
 */
export function runCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const fullEnv = { ...process.env, HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', NO_PROXY: '', no_proxy: '', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--home', home, ...args], { env: fullEnv, cwd: ROOT }, (err, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1);
      let json: Record<string, unknown> | undefined;
      try {
        json = last ? (JSON.parse(last) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr, json });
    });
  });
}
