import { defineConfig } from 'vitest/config';
import SlowFilesFirst from './tests/support/slowFilesFirst.ts';

// The benchmark smoke runs take minutes each (a real `builder bench --quick`), so they are their
// own projects and `npm test` stays within the time a newcomer waits for. The Node one runs in
// `npm run bench:smoke` and .ci/run; the Chromium one (`npm run bench:browser-smoke`) ran past its
// 10 minutes under SwiftShader once q8 joined the bench, so CI leaves it out until it is cut down.
const NODE_BENCH_SMOKE = ['tests/cli/bench.test.ts'];
const BROWSER_BENCH_SMOKE = ['e2e/browserBench.test.ts'];
const BENCH_SMOKE = [...NODE_BENCH_SMOKE, ...BROWSER_BENCH_SMOKE];
// The spec that runs the models on WebGPU, which this machine emulates on its CPU (SwiftShader):
// its own project, so that its longer timeouts and its one-file-at-a-time stay its own. It runs
// beside the other specs, three files at a time in all: the specs wait on page loads, the worker
// and each other's polls as much as they compute, and the two cores sat a third idle with two at
// a time. This spec alone and then the others two at a time took 343 s; three at a time, this one
// among them, 213 s (one clean clone's npm test each, here; the second run's pages also loaded the
// smaller WASM-only runtime, src/runtime/browserRuntime.ts).
const WEBGPU_SPECS = ['e2e/modelBackends.test.ts'];
// Projects that run together must name the same worker count (Vitest refuses two in one group).
const E2E_WORKERS = 3;

// What the page shows after a parse or a file read can take seconds with two specs' Chromiums on
// two cores: expect.poll's default second failed "does not parse as Rust" once.
const E2E_POLL = { timeout: 15_000 };

export default defineConfig({
  test: {
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: BENCH_SMOKE,
          environment: 'node',
          globalSetup: ['tests/support/tinyModelsRoot.ts'],
          // Two files at a time on two cores: much of a unit file is waiting on a spawned builder
          // command, on file reads or on a single-threaded parse, so the unit run takes 370 s so
          // against about 470 s one file at a time. The end-to-end specs run after them.
          maxWorkers: 2,
          // Files share their worker's modules (onnxruntime-web, tree-sitter and the tokenizer
          // loaded once per worker, not once per file): 270 s against 313 s here. No unit test
          // keeps state in a module between files, and spies are restored after each test.
          isolate: false,
          restoreMocks: true,
          sequence: { groupOrder: 0 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e-webgpu',
          include: WEBGPU_SPECS,
          environment: 'node',
          globalSetup: ['e2e/support/staticServer.ts', 'e2e/support/testPages.ts', 'e2e/support/sharedChromium.ts'],
          expect: { poll: E2E_POLL },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: E2E_WORKERS,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          exclude: [...BENCH_SMOKE, ...WEBGPU_SPECS],
          environment: 'node',
          globalSetup: ['e2e/support/staticServer.ts', 'e2e/support/sharedChromium.ts'],
          expect: { poll: E2E_POLL },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: E2E_WORKERS,
          // As in the unit run: a worker imports Playwright and the support modules once, not once per
          // spec file. Each spec's state lives in its own file (evaluated anew) and its own contexts.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: { name: 'bench-smoke', include: NODE_BENCH_SMOKE, environment: 'node', testTimeout: 600_000, hookTimeout: 120_000 },
      },
      {
        test: { name: 'browser-bench-smoke', include: BROWSER_BENCH_SMOKE, environment: 'node', testTimeout: 1_800_000, hookTimeout: 120_000 },
      },
    ],
  },
});
