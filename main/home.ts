import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'BERT Studio';

/**
 * The per-user folder that holds the database, models and runs. It is the same folder Electron
 * calls `userData`, so the desktop app and the CLI share one store.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** --home wins, then BERT_STUDIO_HOME, then the OS default. Always absolute. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.BERT_STUDIO_HOME ?? defaultHome(env);
  return path.resolve(chosen);
}
