import { defineConfig } from 'vitest/config';

// The benchmark smoke runs take minutes each (a real `builder bench --quick`, in Node and in
// Chromium under SwiftShader), so they are their own project, run by `npm run bench:smoke` and
// .ci/run, and `npm test` stays within the time a newcomer waits for.
const BENCH_SMOKE = ['tests/cli/bench.test.ts', 'e2e/browserBench.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: BENCH_SMOKE, environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          exclude: BENCH_SMOKE,
          environment: 'node',
          globalSetup: ['e2e/support/staticServer.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: { name: 'bench-smoke', include: BENCH_SMOKE, environment: 'node', testTimeout: 600_000, hookTimeout: 120_000, fileParallelism: false },
      },
    ],
  },
});
