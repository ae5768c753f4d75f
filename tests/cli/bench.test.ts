import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSections } from '../../src/measure/benchmarksDoc';
import { builder, expectUsageError } from '../support/cli';

const temp = mkdtempSync(join(tmpdir(), 'builder-bench-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const RATIOS = ['forwardFraction', 'contextScaling', 'spanPassScaling', 'cacheSpeedup', 'peerRatio', 'readbackBytesPerStep', 'loadMs'] as const;

function expectPositive(value: unknown, name: string): void {
  expect(typeof value, name).toBe('number');
  expect(Number.isFinite(value), name).toBe(true);
  expect(value as number, name).toBeGreaterThan(0);
}

describe('builder bench', () => {
  // The one benchmark run the tests allow: --quick measures the tiny models only.
  it('--quick measures the tiny models and writes the report as JSON, a markdown table, and its section of the benchmarks page', async () => {
    const jsonPath = join(temp, 'bench.json');
    const docsPath = join(temp, 'benchmarks.md');
    const run = await builder('bench', '--quick', '--json', jsonPath, '--docs', docsPath);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown> & { models: Record<string, unknown>[]; machine: Record<string, unknown> };
    for (const name of RATIOS) expectPositive(report[name], name);
    expect(report.peerRatioReason).toBeNull();
    expect(Object.keys(report.targets as object).sort()).toEqual(['cacheSpeedup', 'contextScaling', 'forwardFraction', 'peerRatio', 'readbackBytesPerStep', 'spanPassScaling']);
    expect(report.machine).toMatchObject({ cores: expect.any(Number), node: process.version, wasmThreads: 2 });
    expectPositive(report.wallMs, 'wallMs');
    expectPositive(report.peakRssMb, 'peakRssMb');

    expect(report.models).toHaveLength(1);
    const [tiny] = report.models as { uncached: Record<string, number>[]; cached: Record<string, number>[]; autoregressive: Record<string, number>[]; peer: Record<string, number>[] }[];
    expect(tiny!.uncached.map((r) => r.fileTokens)).toEqual([200, 2000]);
    expect(tiny!.cached.map((r) => r.fileTokens)).toEqual([200, 2000]);
    for (const measured of [...tiny!.uncached, ...tiny!.cached]) {
      for (const name of ['generationMs', 'msPerStep', 'runMs', 'forwardPasses', 'tokensPerForwardPass', 'readbackBytesPerStep', 'peakRssMb']) expectPositive(measured[name], name);
      expect(measured.runMs).toBeLessThanOrEqual(measured.generationMs!);
      expect(measured.maskedPositions).toBeGreaterThanOrEqual(126);
    }
    // Uncached passes never refresh a cache; cached ones refresh on the first step.
    expect(tiny!.uncached.every((r) => r.cacheRefreshes === 0)).toBe(true);
    expect(tiny!.cached.every((r) => r.cacheRefreshes! >= 1)).toBe(true);
    for (const measured of [...tiny!.autoregressive, ...tiny!.peer]) {
      expect(measured.newTokens).toBe(16);
      expectPositive(measured.tokensPerSecond, 'tokensPerSecond');
    }

    // Native over WASM on the same folders: every measure on both runtimes, the authors' steps on each, and its own section.
    const backends = report.backends as {
      comparisons: { precision: string; wasm: Record<string, Record<string, number> | number>; native: Record<string, Record<string, number> | number> }[];
      authorsSteps: { backend: string; steps: number; msPerStep: number; masks: number }[];
    };
    expect(backends.comparisons.map((b) => b.precision)).toEqual(['q8']);
    for (const side of [backends.comparisons[0]!.wasm, backends.comparisons[0]!.native]) {
      for (const length of ['216', '2016']) {
        expectPositive((side.wholePassMs as Record<string, number>)[length], `whole pass ${length}`);
        expectPositive((side.spanPassMs as Record<string, number>)[length], `span pass ${length}`);
      }
      expectPositive(side.decodeTokensPerSecond, 'decodeTokensPerSecond');
    }
    expect(backends.authorsSteps.map((run) => run.backend)).toEqual(['wasm', 'native']);
    for (const run of backends.authorsSteps) {
      // dLLM's MDLM: one step per mask.
      expect(run.steps).toBe(run.masks);
      expectPositive(run.msPerStep, 'msPerStep');
    }
    expect(run.stdout).toMatch(/\| q8 \| whole pass, 2016 tokens \| \d+ ms \| \d+ ms \| [\d.]+x \|/);
    expect(run.stdout).toMatch(/\| native \| q8 \| \d+ \| \d+ \| \d+ ms \| /);

    expect(run.stdout).toMatch(/^Machine: .*2 threads/);
    expect(run.stdout).toMatch(/\| forwardFraction .* \| [\d.]+ \| >= 0\.90 \| (met|not met) \|/);
    expect(run.stdout).toContain('| transformers.js generate | 200 | 16 |');
    const sections = readSections(readFileSync(docsPath, 'utf8'));
    expect(`${sections.node}\n\n${sections.backends}`).toBe(run.stdout.trim());
    expect(sections.node).not.toContain('native');
    expect(sections.browser).toBeUndefined();
  }, 600_000);

  it('refuses a --json file in a folder that does not exist before measuring anything', async () => {
    expectUsageError(await builder('bench', '--quick', '--json', join(temp, 'missing', 'bench.json')), /the folder .*missing does not exist/);
  });

  it('refuses a --docs page in a folder that does not exist before measuring anything', async () => {
    expectUsageError(await builder('bench', '--quick', '--docs', join(temp, 'missing', 'benchmarks.md')), /--docs .*the folder .*missing does not exist/);
  });

  it('--section names a section it can measure alone, and not with --browser', async () => {
    expectUsageError(await builder('bench', '--section', 'node'), /--section node: the section measured alone can be backends/);
    expectUsageError(await builder('bench', '--section', 'backends', '--browser'), /leave out --browser/);
  });

  it('refuses an unknown option', async () => {
    expectUsageError(await builder('bench', '--fast'), /Unknown option '--fast'/);
  });
});
