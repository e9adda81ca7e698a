/**
 * The part of Electron's API this shell uses. The `electron` package cannot be downloaded on the
 * build machines, so its own typings may be absent; this declaration keeps `tsc` strict then.
 * Where the package is installed, its electron.d.ts wins (checked: with skipLibCheck, as in our
 * tsconfig, the real `export =` declaration takes precedence and this one is ignored), so the
 * shell is then checked against the real API. It lists only what electron/ calls, with
 * Electron 39's signatures.
 */
declare module 'electron' {
  export interface WebPreferences {
    sandbox?: boolean;
    contextIsolation?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
    experimentalFeatures?: boolean;
    preload?: string;
  }
  export interface WebFrameMain {
    readonly url: string;
    readonly parent: WebFrameMain | null;
  }
  export interface WebContents {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  }
  export class BrowserWindow {
    constructor(options: { width?: number; height?: number; minWidth?: number; minHeight?: number; title?: string; show?: boolean; webPreferences?: WebPreferences });
    static getFocusedWindow(): BrowserWindow | null;
    readonly webContents: WebContents;
    on(event: 'closed', listener: () => void): this;
    once(event: 'ready-to-show', listener: () => void): this;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    loadURL(url: string): Promise<void>;
  }
  export interface IpcMainInvokeEvent {
    readonly sender: WebContents;
    readonly senderFrame: WebFrameMain | null;
  }
  export const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: never[]) => unknown): void;
    removeHandler(channel: string): void;
  };
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: never[]) => void): void;
    removeListener(channel: string, listener: (...args: never[]) => void): void;
  };
  export const contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  export interface App {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    exit(code?: number): void;
    whenReady(): Promise<void>;
    getPath(name: 'userData' | 'temp' | 'downloads'): string;
    on(event: 'second-instance' | 'activate' | 'window-all-closed' | 'will-quit', listener: () => void): this;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): this;
  }
  export const app: App;
  export interface MenuItemConstructorOptions {
    role?: string;
    label?: string;
    type?: 'separator' | 'normal';
    submenu?: MenuItemConstructorOptions[];
    click?: () => void;
  }
  export class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
  }
  export const shell: { openExternal(url: string): Promise<void>; showItemInFolder(fullPath: string): void };
  export interface OpenDialogOptions {
    title?: string;
    properties?: ('openFile' | 'openDirectory' | 'createDirectory')[];
    filters?: { name: string; extensions: string[] }[];
  }
  export const dialog: {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
    showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  export const protocol: {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean } }[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  export const net: { fetch(url: string): Promise<Response> };
  export const session: {
    defaultSession: { setPermissionRequestHandler(handler: (wc: WebContents, permission: string, callback: (granted: boolean) => void) => void): void };
  };
}
