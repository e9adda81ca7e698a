// Native libraries write to file descriptor 2 directly while the device probe opens sessions:
// Dawn's adapter warnings ("Vulkan shaderUniform*ArrayDynamicIndexing required …") and the
// Vulkan loader's "XDG_RUNTIME_DIR is invalid" land on the user's terminal, where only our
// sentences belong. Node cannot redirect a native descriptor, so the probe runs in a child
// process whose stdout and stderr are the app's log file, and its result comes back over IPC.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DeviceStatus } from './devices.ts';

let logFile = path.join(os.tmpdir(), 'bert-studio-native.log');

/** Where native libraries' messages go (the CLI and the API point it into the app's home, `logs/native.log`). */
export function setNativeLogFile(file: string): void {
  logFile = file;
}

export function nativeLogFile(): string {
  return logFile;
}

/**
 * How to start a child module that sits next to this one: from the TypeScript sources (CLI,
 * tests) through tsx's loader, from the Electron bundle as its own .cjs (scripts/build-electron.mjs)
 * run by Electron's binary as plain Node.
 */
function childCommand(name: string): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } | undefined {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (here.endsWith('.ts') || name.endsWith('.ts')) {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { file: path.isAbsolute(name) ? name : path.join(dir, `${name}.ts`), execArgv: ['--import', loader], env: process.env };
  }
  const bundled = path.join(dir, `${name}.cjs`);
  return fs.existsSync(bundled) ? { file: bundled, execArgv: [], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } } : undefined;
}

/**
 * Runs the child module `name` (a sibling of this file, or a .ts file by its absolute path) with its output appended to the log
 * file and returns the one message it sends. Rejects when it cannot start, exits without a
 * message, or takes longer than `timeoutMs`.
 */
export function runQuietChild<T>(name: string, timeoutMs = 120_000): Promise<T> {
  const cmd = childCommand(name);
  if (!cmd) return Promise.reject(new HelperUnavailableError(`the ${name} helper is not part of this build`));
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n--- ${new Date().toISOString()} ${name} (pid ${process.pid}) ---\n`);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const child = fork(cmd.file, [], { execArgv: cmd.execArgv, env: cmd.env, stdio: ['ignore', fd, fd, 'ipc'], serialization: 'advanced' });
    fs.closeSync(fd); // the child holds its own copy of the descriptor
    const finish = (err: Error | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => {
      child.kill();
      finish(new Error(`the ${name} helper did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('message', (m) => finish(undefined, m as T));
    child.once('error', (err) => finish(new HelperUnavailableError(`the ${name} helper could not start (${err.message})`)));
    // 'close', not 'exit': it comes after the IPC channel has delivered the child's message.
    child.once('close', (code, signal) => finish(new Error(`the ${name} helper exited (${signal ?? `code ${code}`}) without a result; see ${logFile}`)));
  });
}

/** The child could not be started at all (not that it failed): nothing was probed yet. */
export class HelperUnavailableError extends Error {
  override readonly name = 'HelperUnavailableError';
}

/**
 * The device probe in a child process, native output to the log. When the child cannot start,
 * the probe runs in this process (noisier, same result); when it crashed or hung, only the CPU
 * is reported usable, with the reason.
 */
export async function probeDevicesQuietly(): Promise<DeviceStatus[]> {
  try {
    return await runQuietChild<DeviceStatus[]>('probe-child');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const devices = await import('./devices.ts');
    if (err instanceof HelperUnavailableError) {
      fs.appendFileSync(logFile, `${why}; probing in this process\n`);
      return devices.probeDevices();
    }
    return devices.unprobedStatuses(`the device probe ended abnormally (${why})`);
  }
}
