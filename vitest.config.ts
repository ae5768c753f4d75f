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
// a project of its own because it alone opens the test pages (e2e/pages/), which its global setup builds.
const WEBGPU_SPECS = ['e2e/modelBackends.test.ts'];
// The projects of `npm test` name no group order, so they run together, three files at a time: the
// specs wait on page loads, on the worker and on their polls as much as they compute, so two at a
// time left the two cores idle a third of the time; and one group has no pause between groups
// (global setups, a pool's start) and no group waiting on its slowest file. Vitest in clean clones
// here: unit two at a time, then the WebGPU spec alone, then the specs two at a time, 700 s; the
// specs three at a time with the WebGPU spec among them, after the unit files, 636 s; all in one
// group, 574 s, then 646 s and 660 s, and 536 s and 509 s once every slow file went first by its
// measured seconds and tokenizers were built once per text (these runs' pages also loaded the
// smaller WASM-only runtime, src/runtime/browserRuntime.ts). Projects in one group must name the
// same worker count.
const WORKERS = 3;

// What the page shows after a parse or a file read can take seconds with other files running on
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
          // Much of a unit file is waiting on a spawned builder command, on file reads or on a
          // single-threaded parse: the unit files took 370 s two at a time against about 470 s one
          // at a time, and 358 s three at a time beside nothing else.
          maxWorkers: WORKERS,
          // Files share their worker's modules (onnxruntime-web, tree-sitter and the tokenizer
          // loaded once per worker, not once per file): 270 s against 313 s here. No unit test
          // keeps state in a module between files, and spies are restored after each test.
          isolate: false,
          restoreMocks: true,
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
          maxWorkers: WORKERS,
          isolate: false,
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
          maxWorkers: WORKERS,
          // As in the unit run: a worker imports Playwright and the support modules once, not once per
          // spec file. Each spec's state lives in its own file (evaluated anew) and its own contexts.
          isolate: false,
        },
      },
      {
        // After the tests when a plain `vitest run` takes every project: a group of their own each.
        test: { name: 'bench-smoke', include: NODE_BENCH_SMOKE, environment: 'node', testTimeout: 600_000, hookTimeout: 120_000, sequence: { groupOrder: 1 } },
      },
      {
        test: { name: 'browser-bench-smoke', include: BROWSER_BENCH_SMOKE, environment: 'node', testTimeout: 1_800_000, hookTimeout: 120_000, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
