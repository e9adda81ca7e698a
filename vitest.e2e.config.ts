import { defineConfig } from 'vitest/config';

// End-to-end: Playwright (playwright-core) drives Debian's Chromium against browser mode.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
