import { describe, expect, it } from 'vitest';
import { type BenchReport, type ModelResult, markdownReport, summarize } from '../../src/measure/benchReport';
import type { DiffusionMeasurement } from '../../src/measure/measureDiffusion';

function diffusionRun(fileTokens: number, cacheInterval: number, generationMs: number, runMs: number, readbackBytesPerStep: number, spanPassMs = 100): DiffusionMeasurement {
  return {
    fileTokens,
    sequenceTokens: fileTokens + 20,
    maskedPositions: 128,
    steps: 8,
    cacheInterval,
    generationMs,
    msPerStep: generationMs / 8,
    runMs,
    forwardPasses: 8,
    cacheRefreshes: cacheInterval === 0 ? 0 : 1,
    spanPassMs: cacheInterval === 0 ? null : spanPassMs,
    tokensPerForwardPass: 16,
    readbackBytesPerStep,
    headReadbackBytesMax: 128 * 64 * 12 + 128 * 4,
    headReadbackBound: 16 * 128 * 64,
    peakRssMb: 900,
  };
}

const result: ModelResult = {
  id: 'shape',
  label: 'a shape',
  steps: 8,
  cfgScale: 5,
  note: null,
  loadMs: { diffusion: 1234, autoregressive: 999 },
  uncached: [diffusionRun(200, 0, 800, 760, 50_000), diffusionRun(2000, 0, 6000, 5900, 50_000)],
  cached: [diffusionRun(2000, 8, 1500, 1400, 100_000, 120), diffusionRun(200, 8, 1000, 950, 60_000, 100)],
  attentionAlone: [
    { fileTokens: 200, pastTokens: 216, ms: 10 },
    { fileTokens: 2000, pastTokens: 2016, ms: 40 },
  ],
  autoregressive: [
    { fileTokens: 200, promptTokens: 76, newTokens: 100, generationMs: 2000, tokensPerSecond: 50, runMs: 1900, peakRssMb: 900 },
    { fileTokens: 2000, promptTokens: 1876, newTokens: 100, generationMs: 8000, tokensPerSecond: 12.5, runMs: 7900, peakRssMb: 900 },
  ],
  peer: [{ fileTokens: 200, newTokens: 100, generationMs: 4000, tokensPerSecond: 25, loadMs: 500, peakRssMb: 950 }],
  peerError: null,
  alsoAt: null,
};

describe('summarize', () => {
  const summary = summarize(result);

  it('takes each ratio from the runs the issue names, whatever their order', () => {
    expect(summary.forwardFraction).toBeCloseTo(1400 / 1500);
    expect(summary.contextScaling).toBeCloseTo(1500 / 1000);
    expect(summary.spanPassScaling).toBeCloseTo(120 / 100);
    expect(summary.spanPassScalingBesidesAttention).toBeCloseTo((120 - 40) / (100 - 10));
    expect(summary.cacheSpeedup).toBeCloseTo(6000 / 1500);
    expect(summary.readbackBytesPerStep).toBe(100_000);
    expect(summary.readbackBoundBytes).toBe(16 * 128 * 64);
    expect(summary.loadMs).toBe(1234);
  });

  it('compares our tokens/s with the peer on the files both ran only', () => {
    expect(summary.peerRatio).toBeCloseTo(50 / 25);
    expect(summary.peerRatioReason).toBeNull();
  });

  it('says which targets are met', () => {
    expect(summary.targets).toEqual({ forwardFraction: true, contextScaling: true, spanPassScaling: true, cacheSpeedup: true, peerRatio: true, readbackBytesPerStep: true });
    const slow = summarize({ ...result, cached: [diffusionRun(2000, 8, 3000, 1000, 500_000, 500), diffusionRun(200, 8, 1000, 950, 60_000, 100)] });
    expect(slow.targets).toEqual({ forwardFraction: false, contextScaling: false, spanPassScaling: false, cacheSpeedup: false, peerRatio: true, readbackBytesPerStep: false });
  });

  it('gives no ratio besides attention where attention alone was not measured', () => {
    expect(summarize({ ...result, attentionAlone: [] }).spanPassScalingBesidesAttention).toBeNull();
  });

  it('gives no peer ratio, with the reason, when transformers.js did not run', () => {
    const noPeer = summarize({ ...result, peer: null, peerError: 'transformers.js failed: no backend' });
    expect(noPeer.peerRatio).toBeNull();
    expect(noPeer.peerRatioReason).toBe('transformers.js failed: no backend');
    expect(noPeer.targets.peerRatio).toBeNull();
  });
});

describe('markdownReport', () => {
  const reportOf = (models: ModelResult[]): BenchReport => ({
    ...summarize(models[0]!),
    date: '2026-11-24T00:00:00.000Z',
    wallMs: 61_000,
    machine: { cpu: 'Test CPU', cores: 2, memoryGb: 24, os: 'Linux', node: 'v20.20.2', onnxruntimeWeb: '1.30.0', wasmThreads: 2, chromium: null },
    setup: {},
    models,
    peakRssMb: 1000,
  });

  it('shows the machine, each ratio against its target, and a row per run', () => {
    const text = markdownReport(reportOf([result]));
    expect(text).toContain('Test CPU, 2 cores');
    expect(text).toContain('whole run 61.0 s');
    expect(text).toMatch(/\| forwardFraction .*\| 0\.93 \| >= 0\.90 \| met \|/);
    expect(text).toMatch(/\| cacheSpeedup .*\| 4\.00 \| >= 3 \| met \|/);
    expect(text).toMatch(/\| peerRatio .*\| 2\.00 \| >= 1\.0 \| met \|/);
    expect(text).toMatch(/\| spanPassScaling besides attention .*\| 0\.89 \| \| \|/);
    expect(text.match(/^\| (uncached|cached, refresh every 8) \|/gm)).toHaveLength(4);
    expect(text).toMatch(/^\| cached, refresh every 8 \| 2000 \| 2020 \| 1500 ms \| 188 ms \| 120 ms \| 40 ms \|/m);
    expect(text).toMatch(/\| our fallback \| 200 \| 100 \| 2000 ms \| 50\.0 \|/);
    expect(text).toMatch(/\| transformers\.js generate \| 200 \| 100 \| 4000 ms \| 25\.0 \|/);
    expect(text).not.toContain('peerRatio at');
  });

  it('adds the peer ratio at another precision, and its runs, where a model was measured at one', () => {
    const atQ4: ModelResult = {
      ...result,
      alsoAt: {
        precision: 'q4',
        autoregressive: [{ fileTokens: 200, promptTokens: 76, newTokens: 32, generationMs: 2000, tokensPerSecond: 16, runMs: 1900, peakRssMb: 900 }],
        peer: [{ fileTokens: 200, newTokens: 32, generationMs: 1600, tokensPerSecond: 20, loadMs: 500, peakRssMb: 950 }],
        peerError: null,
      },
    };
    const withPeerFailed: ModelResult = { ...result, id: 'other', alsoAt: { precision: 'q4', autoregressive: [], peer: null, peerError: 'transformers.js failed: no q4 file' } };
    const text = markdownReport(reportOf([atQ4, withPeerFailed]));
    expect(text).toMatch(/\| peerRatio at q4 \(shape: our fallback \/ transformers\.js `q4` tokens\/s\) \| 0\.80 \| >= 1\.0 \| not met \|/);
    expect(text).toMatch(/\| peerRatio at q4 \(other: .*\| n\/a: transformers\.js failed: no q4 file \| >= 1\.0 \| n\/a \|/);
    expect(text).toMatch(/\| our fallback \(q4\) \| 200 \| 32 \| 2000 ms \| 16\.0 \|/);
    expect(text).toMatch(/\| transformers\.js generate \(q4\) \| 200 \| 32 \| 1600 ms \| 20\.0 \|/);
  });
});
