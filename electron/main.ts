/**
 * The Electron shell: single instance, one window, the menu, and the IPC binding of the API. All
 * application logic lives in main/ (plain Node); this file only owns windows and lifecycle.
 */
// First: may load ONNX Runtime from the CUDA runtime folder, which must happen before anything imports it.
import './cuda.ts';
import { app, BrowserWindow, Menu, session, shell } from 'electron';
import path from 'node:path';
import { createApi, type Api } from '../main/api/services/index.ts';
import { bindIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { nativeSystem } from './native.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { APP_ORIGIN, isAppUrl, WEB_PREFERENCES } from './security.ts';

const windows: BrowserWindow[] = [];
let api: Api | undefined;
let unbind: (() => void) | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 700,
    title: 'BERT Studio',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: path.join(__dirname, 'preload.cjs') },
  });
  windows.push(win);
  win.on('closed', () => windows.splice(windows.indexOf(win), 1));
  win.once('ready-to-show', () => win.show());

  // Nothing but the app may load in the window; links to the web open in the system browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    const win = windows[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  registerAppScheme();
  await app.whenReady();

  // Deny every permission request (camera, notifications…): the app needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));

  serveRenderer(path.resolve(__dirname, '../renderer'));
  api = await createApi({ home: app.getPath('userData'), mode: 'electron', system: nativeSystem(() => BrowserWindow.getFocusedWindow() ?? windows[0]) });
  unbind = bindIpc(api.handlers, api.events, () => windows);
  Menu.setApplicationMenu(buildMenu(process.platform === 'darwin'));
  createWindow();

  app.on('activate', () => {
    if (windows.length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  unbind?.();
  void api?.close();
});

// Refuse any webContents not created by us (e.g. a <webview> smuggled in).
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

start().catch((err) => {
  console.error('BERT Studio failed to start:', err);
  app.exit(1);
});
