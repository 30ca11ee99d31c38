import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // ltijs is a per-process singleton: each test file runs in its own process.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    env: { NODE_OPTIONS: '--openssl-legacy-provider' },
  },
});
