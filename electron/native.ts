import { dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { SystemHooks } from '../main/api/services/system.ts';

/** Native dialogs for the `system.*` commands; browser mode has none and uploads instead. */
export function nativeSystem(window: () => BrowserWindow | undefined): SystemHooks {
  return {
    async pickPath(purpose) {
      const win = window();
      const options: OpenDialogOptions =
        purpose === 'import-file'
          ? { title: 'Choose a data file', properties: ['openFile'], filters: [{ name: 'Data', extensions: ['csv', 'tsv', 'txt', 'xlsx', 'json', 'jsonl', 'conll'] }, { name: 'All files', extensions: ['*'] }] }
          : { title: purpose === 'model-folder' ? 'Choose a Hugging Face model folder' : 'Choose where to export', properties: ['openDirectory', 'createDirectory'] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    showInFolder(p) {
      shell.showItemInFolder(p);
      return true;
    },
  };
}
