import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';

/** Native dialogs; Electron provides them (electron/native.ts), browser mode has none. */
export interface SystemHooks {
  pickPath(purpose: 'import-file' | 'model-folder' | 'export-folder'): Promise<string | null>;
  showInFolder(path: string): boolean;
}

export const BROWSER_SYSTEM: SystemHooks = {
  pickPath() {
    return Promise.reject(new ApiFailure('unsupported', 'In the browser, choose the file with the file picker, or type the folder path.'));
  },
  showInFolder() {
    return false;
  },
};

export function systemService(hooks: SystemHooks): Pick<ApiHandlers, 'system.pickPath' | 'system.showInFolder'> {
  return {
    'system.pickPath': async ({ purpose }) => ({ path: await hooks.pickPath(purpose) }),
    'system.showInFolder': ({ path }) => ({ shown: hooks.showInFolder(path) }),
  };
}
