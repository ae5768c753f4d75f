import { describe, expect, it } from 'vitest';
import { backendsMarkdown, targetLines } from '../../src/measure/backendReport';
import type { BackendComparison, BackendPasses } from '../../src/measure/measureBackends';
import type { BackendBenchReport } from '../../src/measure/runBackendBench';

const passes = (backend: 'wasm' | 'native', wholeMs: number, decode: number): BackendPasses => ({
  backend,
  precision: 'q8',
  wholePassMs: { 216: wholeMs, 2016: wholeMs * 10 },
  spanPassMs: { 216: wholeMs / 2, 2016: wholeMs },
  decodeTokensPerSecond: decode,
});
const comparison = (nativeWholeMs: number, nativeDecode: number): BackendComparison => ({
  precision: 'q8',
  lengths: [216, 2016],
  spanTokens: 128,
  promptTokens: 200,
  newTokens: 16,
  wasm: passes('wasm', 2300, 4),
  native: passes('native', nativeWholeMs, nativeDecode),
});

describe('the native-over-WASM section', () => {
  it('holds the q8 ratios to the targets: 2.5x on the whole pass, 2x on decoding', () => {
    expect(targetLines([comparison(730, 12)])[0]).toBe('At q8, whole pass (the smaller speed-up of the two lengths): 3.15x against at least 2.5x: met; decoding: 3.00x against at least 2x: met.');
    expect(targetLines([comparison(1000, 7)])[0]).toMatch(/2\.30x against at least 2\.5x: not met; decoding: 1\.75x against at least 2x: not met\.$/);
  });

  it("names what a stopped run did not measure, and the authors' steps' whole run", () => {
    const report: BackendBenchReport = {
      model: '0.5B shape',
      precisions: ['q8', 'q4'],
      comparisons: [comparison(730, 12)],
      authorsSteps: [{ backend: 'wasm', precision: 'q8', fileTokens: 2000, sequenceTokens: 2056, spanTokens: 128, masks: 168, steps: 168, timedSteps: 2, msPerStep: 25_000 }],
      wallMs: 600_000,
      date: '2026-12-07T00:00:00.000Z',
      machine: { cpu: 'A', cores: 2, memoryGb: 24, os: 'Linux', node: 'v20', onnxruntimeWeb: '1.30.0', wasmThreads: 2, chromium: null },
    };
    const markdown = backendsMarkdown(report);
    expect(markdown).toContain('| q8 | whole pass, 2016 tokens | 23.0 s | 7300 ms | 3.15x |');
    expect(markdown).toContain('| wasm | q8 | 2056 | 168 | 25.0 s | 70.0 min |');
    expect(markdown).toContain('Not measured in this run, which stopped before it: q4.');
    expect(backendsMarkdown({ ...report, precisions: ['q8'] })).not.toContain('Not measured');
    expect(backendsMarkdown({ ...report, precisions: ['q8'], authorsSteps: [] })).toContain("Not measured in this run, which stopped before it: the authors' steps.");
  });
});
