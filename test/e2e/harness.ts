import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type StudioServer } from '../../main/server/http.ts';

export const SCREENSHOTS = path.resolve('test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The real backend (browser mode over a temporary home) and Debian's Chromium driving it. */
export interface Harness {
  home: string;
  server: StudioServer;
  browser: Browser;
  page: Page;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(prefix: string, viewport = { width: 1280, height: 800 }): Promise<Harness> {
  if (!fs.existsSync(path.resolve('dist/renderer/index.html'))) throw new Error('Build the renderer first: npx vite build (npm run test:e2e does it).');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `bert-studio-e2e-${prefix}-`));
  const server = await startServer({ home });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(server.url);
  return {
    home,
    server,
    browser,
    page,
    async shot(name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${prefix}-${name}.png`), fullPage: true });
    },
    async close() {
      if (problems.length) console.warn(`[${prefix}] browser reported:\n  ${problems.join('\n  ')}`);
      await browser.close();
      await server.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Clicks a step in the left navigation. */
export async function goTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: label }).click();
}

/**
 * The steps of a journey depend on each other: after the first failure the rest are skipped,
 * so the report shows the one step that broke instead of a cascade of timeouts.
 */
export function stopAfterFirstFailure(hooks: { beforeEach: (fn: (ctx: { skip: () => void }) => void) => void; afterEach: (fn: (ctx: { task: { result?: { state?: string } } }) => void) => void }): void {
  let failed = false;
  hooks.beforeEach((ctx) => {
    if (failed) ctx.skip();
  });
  hooks.afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
}
