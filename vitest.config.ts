import { defineConfig } from 'vitest/config';

// Three tiers, fastest first (`npm test` runs them in this order and stops at the first that fails):
// unit (no browser, no database), server (PostgreSQL, s3rver, ffmpeg) and browser (the built extension in Debian
// Chromium and Firefox ESR).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // ltijs is a per-process singleton: each test file runs in its own process.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    env: { NODE_OPTIONS: '--openssl-legacy-provider' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/detection/**/*.test.ts'] } },
      { extends: true, test: { name: 'server', include: ['test/server/**/*.test.ts'], globalSetup: ['./test/setup/postgres.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts', 'test/firefox/**/*.test.ts'], globalSetup: ['./test/setup/postgres.ts', './test/setup/extension-build.ts'] } },
    ],
  },
});
