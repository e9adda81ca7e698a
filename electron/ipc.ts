import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../main/api/contract.ts';
import { dispatch, type ApiHandlers, type EventHub } from '../main/api/dispatch.ts';
import { isAppUrl } from './security.ts';

/**
 * The IPC transport of the API contract. Every request is checked for who sent it: only the
 * top frame of one of our own windows, showing our own page, may drive the core.
 */
export function bindIpc(handlers: ApiHandlers, hub: EventHub, windows: () => BrowserWindow[]): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) return false;
    return windows().some((w) => !w.isDestroyed() && w.webContents.id === event.sender.id);
  };

  ipcMain.handle(IPC_REQUEST_CHANNEL, async (event, msg: { id?: unknown; method?: unknown; params?: unknown }) => {
    const id = typeof msg?.id === 'number' ? msg.id : -1;
    if (!trusted(event)) return { id, error: { code: 'invalid_request', message: 'This page is not allowed to use BERT Studio.' } };
    return dispatch(handlers, id, msg?.method, msg?.params, { caller: `window-${event.sender.id}` });
  });

  const unsubscribe = hub.subscribe((name, data) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT_CHANNEL, { event: name, data });
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
  };
}
