import { machineLine } from './benchReport';
import type { MachineInfo } from './machineInfo';
import type { AuthorsSteps } from './measureAuthorsSteps';
import type { BackendComparison } from './measureBackends';
import type { NativeOverWasm } from './runBackendBench';

/** Issue 26's targets at q8: native at least this many times faster than WASM. */
export const NATIVE_TARGETS = { wholePass: 2.5, decode: 2 } as const;

const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const ratio = (slow: number | undefined, fast: number | undefined) => (slow === undefined || fast === undefined ? 'n/a' : `${(slow / fast).toFixed(2)}x`);
const minutes = (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : seconds(ms));

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

/** The q8 targets, each with the ratio measured against it: the smallest whole-pass speed-up over the lengths, and decoding. */
export function targetLines(comparisons: readonly BackendComparison[]): string[] {
  const q8 = comparisons.find((comparison) => comparison.precision === 'q8');
  if (!q8) return [];
  const wholePass = Math.min(...q8.lengths.map((length) => q8.wasm.wholePassMs[length]! / q8.native.wholePassMs[length]!));
  const decode = q8.native.decodeTokensPerSecond / q8.wasm.decodeTokensPerSecond;
  const verdict = (value: number, target: number) => `${value.toFixed(2)}x against at least ${target}x: ${value >= target ? 'met' : 'not met'}`;
  return [`At q8, whole pass (the smaller speed-up of the two lengths): ${verdict(wholePass, NATIVE_TARGETS.wholePass)}; decoding: ${verdict(decode, NATIVE_TARGETS.decode)}.`];
}

/** The authors' steps per backend: the time of one, and of the whole run at that rate. */
export function authorsStepLines(runs: readonly AuthorsSteps[]): string[] {
  if (runs.length === 0) return [];
  const first = runs[0]!;
  const lines = [
    `At the authors' exact settings (dLLM's MDLM sampler, as for Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm, the 0.5B shape's model: one step per masked token, no guidance, no context cache, so every step is a whole pass) on the ${first.fileTokens}-token file, ` +
      `with the ${first.masks} masks \`builder patch\` gives its ${first.spanTokens}-token span: ${first.timedSteps} steps timed after the first, and the whole run at that rate.`,
    '',
    '| backend | precision | sequence tokens | steps | time per step | whole run |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const run of runs) lines.push(`| ${run.backend} | ${run.precision} | ${run.sequenceTokens} | ${run.steps} | ${seconds(run.msPerStep)} | ${minutes(run.msPerStep * run.steps)} |`);
  return lines;
}

/** What the run set out to measure and did not: it was stopped before (the page keeps each part as it is measured). */
function notMeasuredLines(report: NativeOverWasm): string[] {
  const missing: string[] = report.precisions.filter((precision) => !report.comparisons.some((comparison) => comparison.precision === precision));
  if (report.authorsSteps.length === 0) missing.push("the authors' steps");
  return missing.length === 0 ? [] : [`Not measured in this run, which stopped before it: ${missing.join(', ')}.`];
}

/** The section of the benchmarks page: where and when, the comparison table against its targets, and the authors' steps. */
export function backendsMarkdown(report: NativeOverWasm & { date: string; machine: MachineInfo }): string {
  const parts = [
    [`${machineLine(report.machine)} ${report.date}, ${report.model}, random weights, measured in ${minutes(report.wallMs)}.`],
    backendComparisonLines(report.comparisons),
    targetLines(report.comparisons),
    authorsStepLines(report.authorsSteps),
    notMeasuredLines(report),
  ];
  return `${parts
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
