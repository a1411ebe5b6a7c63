import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The server's tests, the console's unit tests (pure logic beside its code) and its end-to-end tests (real
    // browser against a real Admiral), in one run and one report: `npm test` and .ci/run count them all.
    dir: '..',
    include: ['server/test/**/*.test.ts', 'console/e2e/**/*.e2e.test.ts', 'console/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file gets its own database cloned from a migrated template, so files run in parallel.
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: process.env.VITEST_JSON_REPORT ? ['default', ['json', { outputFile: process.env.VITEST_JSON_REPORT }]] : ['default'],
  },
});
