/**
 * The only bridge between the sandboxed page and the app: `window.bertStudio` with `invoke` for
 * the commands of the contract (an allowlist, checked here and again in main) and `onEvent` for
 * the contract's events. Nothing else of Node or Electron is exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../main/api/contract.ts';
import { ALLOWED_COMMANDS, ALLOWED_EVENTS, BRIDGE_NAME } from './allowlist.ts';

let nextId = 1;

const bridge = Object.freeze({
  invoke(method: string, params: unknown): Promise<unknown> {
    if (!ALLOWED_COMMANDS.has(method)) return Promise.reject(new Error(`Unknown command ${method}`));
    // Structured clone strips anything but plain data, so the page cannot smuggle objects in.
    return ipcRenderer.invoke(IPC_REQUEST_CHANNEL, { id: nextId++, method, params });
  },
  onEvent(listener: (event: string, data: unknown) => void): () => void {
    const wrapped = (_e: unknown, msg: { event: string; data: unknown }) => {
      if (ALLOWED_EVENTS.has(msg?.event)) listener(msg.event, msg.data);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
});

contextBridge.exposeInMainWorld(BRIDGE_NAME, bridge);
