import { defineConfig } from 'vitest/config';

/** The demo's browser test: builds the page, serves it, drives it in headless Chromium. */
export default defineConfig({
  test: {
    include: ['demo.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
