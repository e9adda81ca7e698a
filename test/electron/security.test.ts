import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../main/api/contract.ts';
import { ALLOWED_COMMANDS, ALLOWED_EVENTS, BRIDGE_MEMBERS, BRIDGE_NAME, IPC_CHANNELS } from '../../electron/allowlist.ts';
import { CONTENT_SECURITY_POLICY, isAppUrl, WEB_PREFERENCES } from '../../electron/security.ts';

// Electron cannot run here, so the security settings are checked where they are defined.
describe('Electron security settings', () => {
  it('one webPreferences constant with the sandbox on and Node off', () => {
    expect(WEB_PREFERENCES).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
  });

  it('every window uses that constant and nothing overrides it', () => {
    const main = readFileSync(new URL('../../electron/main.ts', import.meta.url), 'utf8');
    expect(main).toContain('webPreferences: { ...WEB_PREFERENCES, preload:');
    expect(main.match(/new BrowserWindow\(/g)).toHaveLength(1);
    expect(main).not.toMatch(/nodeIntegration\s*:\s*true|sandbox\s*:\s*false|contextIsolation\s*:\s*false|webSecurity\s*:\s*false/);
  });

  it('a strict Content-Security-Policy: own scripts only, no eval, nothing remote', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('navigation is allowed only inside the app', () => {
    expect(isAppUrl('app://bert-studio/index.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    const main = readFileSync(new URL('../../electron/main.ts', import.meta.url), 'utf8');
    expect(main).toContain("setWindowOpenHandler");
    expect(main).toContain("action: 'deny'");
    expect(main).toContain('requestSingleInstanceLock');
  });

  it('the preload allowlist is exactly the contract', () => {
    expect([...ALLOWED_COMMANDS].sort()).toEqual([...COMMAND_NAMES].sort());
    expect([...ALLOWED_EVENTS].sort()).toEqual([...EVENT_NAMES].sort());
    expect(IPC_CHANNELS).toEqual([IPC_REQUEST_CHANNEL, IPC_EVENT_CHANNEL]);
    expect(BRIDGE_NAME).toBe('bertStudio');
    expect(BRIDGE_MEMBERS).toEqual(['invoke', 'onEvent']);
  });

  it('the preload exposes one object and touches no other Electron or Node API', () => {
    const preload = readFileSync(new URL('../../electron/preload.ts', import.meta.url), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain('ALLOWED_COMMANDS.has(method)');
    expect(preload).toContain('ALLOWED_EVENTS.has(');
    expect(preload).not.toMatch(/from 'node:|require\(|ipcRenderer\.send\(|shell|remote/);
    const members = [...preload.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]);
    expect(members).toEqual([...BRIDGE_MEMBERS]);
  });

  it('main checks the sender of every IPC request', () => {
    const ipc = readFileSync(new URL('../../electron/ipc.ts', import.meta.url), 'utf8');
    expect(ipc).toContain('if (!trusted(event))');
    expect(ipc).toContain('isAppUrl(frame.url)');
    expect(ipc).toContain('frame.parent !== null');
  });

  it('electron-builder packages the app for the three desktops with native modules unpacked', () => {
    const yml = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    expect(yml).toMatch(/^appId: org\.bertstudio\.app$/m);
    expect(yml).toMatch(/^productName: BERT Studio$/m);
    for (const t of ['AppImage', 'deb', 'nsis', 'dmg']) expect(yml).toContain(`- ${t}`);
    for (const m of ['better-sqlite3', 'onnxruntime-node']) expect(yml).toContain(`node_modules/${m}/**`);
  });
});
