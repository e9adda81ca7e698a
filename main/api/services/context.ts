import path from 'node:path';
import type { EventHub } from '../dispatch.ts';
import type { Store } from '../../store/index.ts';

/** What every service gets: the open store, the home folder and the event hub. */
export interface ServiceContext {
  readonly home: string;
  readonly mode: 'electron' | 'browser';
  readonly store: Store;
  readonly events: EventHub;
}

/** Temporary files (uploads) live next to the store so they are on the same disk and easy to clean. */
export function tempDir(ctx: ServiceContext): string {
  return path.join(ctx.home, 'tmp');
}
