import type { ModelPrecision } from '../models/modelPrecision';
import type { MachineInfo } from './machineInfo';
import type { AttentionMeasurement } from './measureAttention';
import type { AutoregressiveMeasurement } from './measureAutoregressive';
import type { DiffusionMeasurement } from './measureDiffusion';
import type { NativeOverWasm } from './runBackendBench';
import type { PeerMeasurement } from './transformersPeer';

/** Our fallback's decoder and transformers.js on the same export and files. */
export interface FallbackAndPeer {
  autoregressive: AutoregressiveMeasurement[];
  peer: PeerMeasurement[] | null;
  /** Why there is no peer measurement. */
  peerError: string | null;
}

/** Everything measured on one model shape. */
export interface ModelResult extends FallbackAndPeer {
  id: string;
  label: string;
  /** Denoising steps of every diffusion run on this shape (the preset's, or fewer, said in `note`). */
  steps: number;
  cfgScale: number;
  note: string | null;
  /** Reading the folder, checking its sha256s and creating the session. */
  loadMs: { diffusion: number; autoregressive: number };
  /** One run per file size: every step over the whole sequence (cacheInterval 0). */
  uncached: DiffusionMeasurement[];
  /** One run per file size: the sampler's default context cache. */
  cached: DiffusionMeasurement[];
  /** Attention alone as each cached run's span passes have it. */
  attentionAlone: AttentionMeasurement[];
  /** The fallback and transformers.js again at another precision than the backend's (ModelPlan.peerAlsoAt). */
  alsoAt: PrecisionPeer | null;
}

export interface PrecisionPeer extends FallbackAndPeer {
  precision: ModelPrecision;
}

export interface BenchSummary {
  /** The model shape the ratios come from: the largest one measured. */
  model: string;
  forwardFraction: number;
  contextScaling: number;
  /** One span pass against the largest file's cache over one against the smallest's; null without span passes. */
  spanPassScaling: number | null;
  /** The same with attention alone taken out of both passes: what else grows with the context. */
  spanPassScalingBesidesAttention: number | null;
  cacheSpeedup: number;
  peerRatio: number | null;
  peerRatioReason: string | null;
  readbackBytesPerStep: number;
  /** 16 x masked positions x k, what readbackBytesPerStep is held to. */
  readbackBoundBytes: number;
  loadMs: number;
  targets: Record<'forwardFraction' | 'contextScaling' | 'spanPassScaling' | 'cacheSpeedup' | 'peerRatio' | 'readbackBytesPerStep', boolean | null>;
}

export interface BenchReport extends BenchSummary {
  date: string;
  wallMs: number;
  machine: MachineInfo;
  /** How the runs were set up: span, file sizes, source, sampler settings. */
  setup: Record<string, unknown>;
  models: ModelResult[];
  /** Native over WASM on the largest shape (its own section of the page); absent from reports made before the comparison. */
  backends?: NativeOverWasm;
  /** The process's peak resident memory over the whole run. */
  peakRssMb: number;
}

const largest = <T extends { fileTokens: number }>(runs: readonly T[]): T => runs.reduce((a, b) => (b.fileTokens > a.fileTokens ? b : a));
const smallest = <T extends { fileTokens: number }>(runs: readonly T[]): T => runs.reduce((a, b) => (b.fileTokens < a.fileTokens ? b : a));

function throughput(runs: readonly { newTokens: number; generationMs: number }[]): number {
  const tokens = runs.reduce((sum, run) => sum + run.newTokens, 0);
  const ms = runs.reduce((sum, run) => sum + run.generationMs, 0);
  return tokens / (ms / 1000);
}

/** Our fallback's tokens/s over transformers.js's, on the files both ran. */
function peerRatioOf({ autoregressive, peer }: FallbackAndPeer): number | null {
  const peerFiles = new Set(peer?.map((run) => run.fileTokens));
  const ours = autoregressive.filter((run) => peerFiles.has(run.fileTokens));
  return peer && ours.length > 0 ? throughput(ours) / throughput(peer) : null;
}

/**
 * The issue's ratios, from one model shape: the cached (default) sampler on the largest file for
 * the fraction inside session.run and the readback; per-step time, and one span pass's, on the
 * largest over the smallest file; uncached over cached generation time on the largest file; our fallback's tokens/s over
 * transformers.js's on the files both ran.
 */
export function summarize(result: ModelResult): BenchSummary {
  const cachedLarge = largest(result.cached);
  const forwardFraction = cachedLarge.runMs / cachedLarge.generationMs;
  const cachedSmall = smallest(result.cached);
  const contextScaling = cachedLarge.msPerStep / cachedSmall.msPerStep;
  const spanPassScaling = cachedLarge.spanPassMs !== null && cachedSmall.spanPassMs !== null ? cachedLarge.spanPassMs / cachedSmall.spanPassMs : null;
  const besidesAttention = (run: DiffusionMeasurement) => {
    const attention = result.attentionAlone.find((measured) => measured.fileTokens === run.fileTokens);
    return run.spanPassMs === null || !attention ? null : run.spanPassMs - attention.ms;
  };
  const [largeRest, smallRest] = [besidesAttention(cachedLarge), besidesAttention(cachedSmall)];
  const spanPassScalingBesidesAttention = largeRest !== null && smallRest !== null && smallRest > 0 ? largeRest / smallRest : null;
  const cacheSpeedup = largest(result.uncached).generationMs / cachedLarge.generationMs;
  const peerRatio = peerRatioOf(result);
  return {
    model: result.id,
    forwardFraction,
    contextScaling,
    spanPassScaling,
    spanPassScalingBesidesAttention,
    cacheSpeedup,
    peerRatio,
    peerRatioReason: peerRatio === null ? (result.peerError ?? 'no autoregressive run on the files transformers.js ran') : null,
    readbackBytesPerStep: cachedLarge.readbackBytesPerStep,
    readbackBoundBytes: cachedLarge.headReadbackBound,
    loadMs: result.loadMs.diffusion,
    targets: {
      forwardFraction: forwardFraction >= 0.9,
      contextScaling: contextScaling <= 1.5,
      spanPassScaling: spanPassScaling === null ? null : spanPassScaling <= 1.3,
      cacheSpeedup: cacheSpeedup >= 3,
      peerRatio: peerRatio === null ? null : peerRatio >= 1,
      readbackBytesPerStep: cachedLarge.readbackBytesPerStep <= cachedLarge.headReadbackBound,
    },
  };
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const kb = (bytes: number) => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);
const mb = (megabytes: number | null) => (megabytes === null ? 'n/a' : `${Math.round(megabytes)} MB`);
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const mark = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'not met');

/** The ratios against their targets. */
function ratioLines(summary: BenchSummary): string[] {
  return [
    '| ratio | value | target | |',
    '|---|---:|---|---|',
    `| forwardFraction (time inside session.run / generation time) | ${fixed(summary.forwardFraction)} | >= 0.90 | ${mark(summary.targets.forwardFraction)} |`,
    `| contextScaling (time per step, 2,000 / 200-token file) | ${fixed(summary.contextScaling)} | <= 1.5 | ${mark(summary.targets.contextScaling)} |`,
    `| spanPassScaling (one span pass, 2,000 / 200-token file's cache) | ${summary.spanPassScaling === null ? 'n/a: no span pass' : fixed(summary.spanPassScaling)} | <= 1.3 | ${mark(summary.targets.spanPassScaling)} |`,
    `| spanPassScaling besides attention (span pass less attention alone, 2,000 / 200-token file's cache) | ${summary.spanPassScalingBesidesAttention === null ? 'n/a: no span pass or attention measured' : fixed(summary.spanPassScalingBesidesAttention)} | | |`,
    `| cacheSpeedup (uncached / cached generation, 2,000-token file) | ${fixed(summary.cacheSpeedup)} | >= 3 | ${mark(summary.targets.cacheSpeedup)} |`,
    `| peerRatio (our fallback / transformers.js tokens/s) | ${summary.peerRatio === null ? `n/a: ${summary.peerRatioReason}` : fixed(summary.peerRatio)} | >= 1.0 | ${mark(summary.targets.peerRatio)} |`,
    `| readbackBytesPerStep (all outputs, cached run, 2,000-token file) | ${kb(summary.readbackBytesPerStep)} | <= 16 x masked x k = ${kb(summary.readbackBoundBytes)} | ${mark(summary.targets.readbackBytesPerStep)} |`,
    `| loadMs (diffusion model) | ${ms(summary.loadMs)} | | |`,
  ];
}

/** peerRatio at the other precision of each model that has one, as more rows of the ratio table. */
function alsoAtRatioLines(models: readonly ModelResult[]): string[] {
  return models.flatMap(({ id, alsoAt }) => {
    if (!alsoAt) return [];
    const ratio = peerRatioOf(alsoAt);
    const value = ratio === null ? `n/a: ${alsoAt.peerError ?? 'no autoregressive run on the files transformers.js ran'}` : fixed(ratio);
    return [`| peerRatio at ${alsoAt.precision} (${id}: our fallback / transformers.js \`${alsoAt.precision}\` tokens/s) | ${value} | >= 1.0 | ${mark(ratio === null ? null : ratio >= 1)} |`];
  });
}

/** One model shape's runs, diffusion then autoregressive. */
function modelLines(model: ModelResult): string[] {
  const lines = [
    `${model.label} (\`${model.id}\`), ${model.steps} steps, guidance ${model.cfgScale}${model.note ? `; ${model.note}` : ''}. Load: diffusion ${ms(model.loadMs.diffusion)}, autoregressive ${ms(model.loadMs.autoregressive)}.`,
    '',
    '| sampler | file | sequence | generation | per step | span pass | attention alone | in session.run | passes | tokens/pass | readback/step (head max) | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, runs] of [
    ['uncached', model.uncached],
    ['cached', model.cached],
  ] as const) {
    for (const run of runs) {
      const sampler = name === 'cached' ? `cached, refresh every ${run.cacheInterval}` : 'uncached';
      const attention = name === 'cached' ? model.attentionAlone.find((measured) => measured.fileTokens === run.fileTokens) : undefined;
      lines.push(
        `| ${sampler} | ${run.fileTokens} | ${run.sequenceTokens} | ${ms(run.generationMs)} | ${ms(run.msPerStep)} | ${run.spanPassMs === null ? '' : ms(run.spanPassMs)} | ${attention ? ms(attention.ms) : ''} | ${ms(run.runMs)} (${Math.round((100 * run.runMs) / run.generationMs)}%) | ${run.forwardPasses} | ${fixed(run.tokensPerForwardPass, 1)} | ${kb(run.readbackBytesPerStep)} (${kb(run.headReadbackBytesMax)}) | ${mb(run.peakRssMb)} |`,
      );
    }
  }
  lines.push('', '| autoregressive | file | new tokens | time | tokens/s | peak RSS |', '|---|---:|---:|---:|---:|---:|');
  const runLines = (runs: FallbackAndPeer, suffix: string) => {
    for (const run of runs.autoregressive)
      lines.push(`| our fallback${suffix} | ${run.fileTokens} | ${run.newTokens} | ${ms(run.generationMs)} | ${fixed(run.tokensPerSecond, 1)} | ${mb(run.peakRssMb)} |`);
    for (const run of runs.peer ?? [])
      lines.push(`| transformers.js generate${suffix} | ${run.fileTokens} | ${run.newTokens} | ${ms(run.generationMs)} | ${fixed(run.tokensPerSecond, 1)} | ${mb(run.peakRssMb)} |`);
    if (runs.peerError) lines.push(`| transformers.js generate${suffix} | | | | n/a: ${runs.peerError} | |`);
  };
  runLines(model, '');
  if (model.alsoAt) runLines(model.alsoAt, ` (${model.alsoAt.precision})`);
  return lines;
}

/** The machine a report's numbers come from, as its first line states it. */
export const machineLine = (machine: MachineInfo) =>
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GiB, ${machine.os}; Node ${machine.node}, onnxruntime-web ${machine.onnxruntimeWeb} (WASM, ${machine.wasmThreads} threads)${machine.chromium ? `; ${machine.chromium}` : ''}.`;

/** The report as docs/benchmarks.md shows it: the machine, the ratios against their targets, then per model and file. */
export function markdownReport(report: BenchReport): string {
  const lines = [
    `${machineLine(report.machine)} ${report.date}, whole run ${ms(report.wallMs)}, peak resident memory ${Math.round(report.peakRssMb)} MB.`,
    '',
    `Ratios (${report.model}):`,
    '',
    ...ratioLines(report),
    ...alsoAtRatioLines(report.models),
  ];
  for (const model of report.models) lines.push('', ...modelLines(model));
  return `${lines.join('\n')}\n`;
}

/** `builder bench --browser`: one run per backend in Chromium. */
export interface BrowserBenchReport {
  date: string;
  wallMs: number;
  machine: MachineInfo;
  setup: Record<string, unknown>;
  runs: BrowserRun[];
}

export interface BrowserRun extends BenchSummary {
  backend: 'webgpu' | 'wasm';
  /** The GPU adapter, or WebAssembly with its threads. */
  runsOn: string;
  models: ModelResult[];
}

export function markdownBrowserReport(report: BrowserBenchReport): string {
  const lines = [`${machineLine(report.machine)} In Chromium; ${report.date}, whole run ${ms(report.wallMs)}.`];
  for (const run of report.runs)
    lines.push('', `${run.runsOn}, ratios (${run.model}):`, '', ...ratioLines(run), ...alsoAtRatioLines(run.models), ...run.models.flatMap((model) => ['', ...modelLines(model)]));
  return `${lines.join('\n')}\n`;
}
