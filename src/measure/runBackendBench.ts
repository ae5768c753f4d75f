import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../models/backendChoice';
import type { ModelPrecision } from '../models/modelPrecision';
import { loadModel } from '../runtime/loadModel';
import { loadNativeRuntime } from '../runtime/nativeRuntime';
import { nodeModelReader } from '../runtime/nodeModelReader';
import { ort, webRuntime } from '../runtime/ortSession';
import { type BenchModelPair, benchModels } from './benchModels';
import { INSTRUCTION, QWEN_CODER_05B, SOURCE, SPAN_TOKENS, TINY } from './benchPlans';
import { type MachineInfo, machineInfo } from './machineInfo';
import { type AuthorsSteps, measureAuthorsSteps } from './measureAuthorsSteps';
import { type BackendComparison, compareBackends } from './measureBackends';

/** Native over WASM on one model shape: its passes and decoding per precision, and the authors' steps on the long file per backend. */
export interface NativeOverWasm {
  /** The shape measured, in words. */
  model: string;
  comparisons: BackendComparison[];
  authorsSteps: AuthorsSteps[];
  /** How long the comparison took, models loaded included. */
  wallMs: number;
}

/** `builder bench --section backends`: the comparison alone, with where and when it ran. */
export interface BackendBenchReport extends NativeOverWasm {
  date: string;
  machine: MachineInfo;
}

/** Sequence lengths of the native-over-WASM comparison: the 216- and 2,016-token sequences issue 26 names. */
export const BACKEND_LENGTHS = [216, 2016] as const;

/** The file the authors' steps are timed on: the benchmark's long file. */
export const AUTHORS_FILE_TOKENS = 2000;

/** Steps timed at the authors' settings per backend, after the untimed first. */
const AUTHORS_TIMED_STEPS = 2;

export const WASM_THREADS = 2;

const sourcePath = fileURLToPath(new URL(`../../${SOURCE}`, import.meta.url));

export const readBenchSource = (): string => readFileSync(sourcePath, 'utf8');

/**
 * The pair's folders on native onnxruntime and on WASM: q8 and q4 (q8 only with --quick), then the
 * authors' steps on the long file at q8, the precision WASM runs, on each backend.
 */
export async function nativeOverWasm(pair: BenchModelPair, source: string, options: { quick: boolean; log(line: string): void }): Promise<NativeOverWasm> {
  const started = performance.now();
  const native = await loadNativeRuntime();
  const load = (kind: 'diffusion' | 'autoregressive', backend: Backend, precision: ModelPrecision) =>
    loadModel(nodeModelReader(kind === 'diffusion' ? pair.diffusionDir : pair.autoregressiveDir), precision, backend, backend === 'native' ? native : webRuntime);
  const precisions: ModelPrecision[] = options.quick ? ['q8'] : ['q8', 'q4'];
  const comparisons = await compareBackends(precisions, { load, source, lengths: BACKEND_LENGTHS, spanTokens: SPAN_TOKENS, promptTokens: 200, newTokens: 16, runs: 2, log: options.log });
  options.log(`the authors' steps on the ${AUTHORS_FILE_TOKENS}-token file`);
  const authorsSteps: AuthorsSteps[] = [];
  for (const backend of ['wasm', 'native'] as const) {
    authorsSteps.push(
      await measureAuthorsSteps(backend, 'q8', {
        load: (on, precision) => load('diffusion', on, precision),
        source,
        fileTokens: AUTHORS_FILE_TOKENS,
        spanTokens: SPAN_TOKENS,
        instruction: INSTRUCTION,
        timedSteps: AUTHORS_TIMED_STEPS,
        log: options.log,
      }),
    );
  }
  return { model: pair.label, comparisons, authorsSteps, wallMs: performance.now() - started };
}

/** Only the native-over-WASM comparison, on the 0.5B shape (the tiny one with --quick), without the rest of `builder bench`. */
export async function runBackendBench(options: { quick: boolean; cacheDir: string; log(line: string): void }): Promise<BackendBenchReport> {
  ort.env.wasm.numThreads = WASM_THREADS;
  const pair = await benchModels(options.cacheDir, options.quick ? TINY : QWEN_CODER_05B, options.log);
  const measured = await nativeOverWasm(pair, readBenchSource(), options);
  return { ...measured, date: new Date().toISOString(), machine: machineInfo(ort.env.wasm.numThreads ?? WASM_THREADS, null) };
}
