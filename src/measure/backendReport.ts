import type { BackendComparison } from './measureBackends';

/** Issue 26's targets at q8: native at least this many times faster than WASM. */
export const NATIVE_TARGETS = { wholePass: 2.5, decode: 2 } as const;

const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const ratio = (slow: number | undefined, fast: number | undefined) => (slow === undefined || fast === undefined ? 'n/a' : `${(slow / fast).toFixed(2)}x`);

/** Native over WASM per precision: whole passes and span passes at each length, and decoding, as a markdown table. */
export function backendComparisonLines(comparisons: readonly BackendComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const first = comparisons[0]!;
  const lines = [
    `Native (onnxruntime-node, CPU) against WASM (onnxruntime-web) on the same folders: one row, ${first.spanTokens} positions asked for; a span pass recomputes those ${first.spanTokens} against the cache of the rest; decoding after a ${first.promptTokens}-token prompt, ${first.newTokens} tokens. Targets at q8: whole pass at least ${NATIVE_TARGETS.wholePass}x, decoding at least ${NATIVE_TARGETS.decode}x.`,
    '',
    '| precision | measure | WASM | native | native speed-up |',
    '|---|---|---|---|---|',
  ];
  for (const { precision, lengths, wasm, native } of comparisons) {
    for (const length of lengths) {
      lines.push(
        `| ${precision} | whole pass, ${length} tokens | ${seconds(wasm.wholePassMs[length])} | ${seconds(native.wholePassMs[length])} | ${ratio(wasm.wholePassMs[length], native.wholePassMs[length])} |`,
      );
      lines.push(
        `| ${precision} | span pass, ${length}-token cache | ${seconds(wasm.spanPassMs[length])} | ${seconds(native.spanPassMs[length])} | ${ratio(wasm.spanPassMs[length], native.spanPassMs[length])} |`,
      );
    }
    lines.push(
      `| ${precision} | decoding | ${wasm.decodeTokensPerSecond.toFixed(1)} tokens/s | ${native.decodeTokensPerSecond.toFixed(1)} tokens/s | ${ratio(native.decodeTokensPerSecond, wasm.decodeTokensPerSecond)} |`,
    );
  }
  return lines;
}
