import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserBenchReport } from '../src/measure/benchReport';
import { builder } from '../tests/support/cli';

const temp = mkdtempSync(join(tmpdir(), 'builder-browser-bench-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('builder bench --browser', () => {
  it('--quick measures the tiny models and transformers.js in Chromium on WebGPU and WASM, and on WebGPU the context cache is never read back', async () => {
    const jsonPath = join(temp, 'browser.json');
    const run = await builder('bench', '--browser', '--quick', '--json', jsonPath);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BrowserBenchReport;
    expect(report.machine.chromium).toMatch(/Chromium/);
    expect(report.runs.map((r) => r.backend)).toEqual(['webgpu', 'wasm']);
    const [webgpu, wasm] = report.runs as [BrowserBenchReport['runs'][number], BrowserBenchReport['runs'][number]];
    expect(webgpu.runsOn).toMatch(/^WebGPU: /);
    expect(wasm.runsOn).toMatch(/^WASM, \d threads?$/);
    for (const measured of report.runs) {
      const [model] = measured.models;
      expect(model!.cached.map((r) => r.fileTokens)).toEqual([200, 2000]);
      for (const diffusion of [...model!.uncached, ...model!.cached]) {
        expect(diffusion.generationMs).toBeGreaterThan(0);
        expect(diffusion.runMs).toBeLessThanOrEqual(diffusion.generationMs);
        expect(diffusion.peakRssMb).toBeNull();
      }
      expect(model!.autoregressive[0]!.tokensPerSecond).toBeGreaterThan(0);
      // transformers.js ran on the same backend, on our runtime, and wrote as many tokens.
      expect(measured.peerRatioReason).toBeNull();
      expect(model!.peer!.map((r) => [r.fileTokens, r.newTokens])).toEqual(model!.autoregressive.map((r) => [r.fileTokens, r.newTokens]));
      expect(measured.peerRatio).toBeGreaterThan(0);
    }
    // The cached run refreshes its cache: WASM copies the keys and values out, WebGPU keeps them in GPU buffers.
    expect(webgpu.readbackBytesPerStep).toBeLessThanOrEqual(webgpu.readbackBoundBytes);
    expect(wasm.readbackBytesPerStep).toBeGreaterThan(wasm.readbackBoundBytes);
    expect(run.stdout).toMatch(/^Machine: .*Chromium/);
    expect(run.stdout).toContain('| readbackBytesPerStep');
  }, 600_000);
});
