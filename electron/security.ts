/**
 * The security settings of every window, in one place so a test can read them (Electron itself
 * does not run in CI). Mirrors VS Code's habit: one webPreferences constant, nothing per window.
 */

/** The app is served from this privileged scheme, never from file:// (which would share origin with the disk). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bert-studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export const WEB_PREFERENCES = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  // Experimental features widen the attack surface and we use none.
  experimentalFeatures: false,
} as const);

/**
 * Strict Content-Security-Policy for the renderer: only our own scripts, no eval, no remote
 * anything. `style-src 'unsafe-inline'` is needed by Svelte's scoped styles and chart.js' canvas sizing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Navigation and new windows may only stay inside the app. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
