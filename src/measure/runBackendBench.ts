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
  /** The precisions the run set out to compare, in the order it measures them. */
  precisions: ModelPrecision[];
  /** Those measured so far. */
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
 * The pair's folders on native onnxruntime and on WASM: q8, the authors' steps on the long file at
 * q8 (the precision WASM runs) on each backend, then q4 (left out with --quick). `onMeasured` gets
 * everything measured after each of those, so that a run stopped part way (a q4 WASM pass over
 * 2,016 tokens takes minutes on a loaded machine) still leaves what it measured.
 */
export async function nativeOverWasm(pair: BenchModelPair, source: string, options: { quick: boolean; log(line: string): void; onMeasured?(measured: NativeOverWasm): void }): Promise<NativeOverWasm> {
  const started = performance.now();
  const native = await loadNativeRuntime();
  const load = (kind: 'diffusion' | 'autoregressive', backend: Backend, precision: ModelPrecision) =>
    loadModel(nodeModelReader(kind === 'diffusion' ? pair.diffusionDir : pair.autoregressiveDir), precision, backend, backend === 'native' ? native : webRuntime);
  const [first, ...rest]: ModelPrecision[] = options.quick ? ['q8'] : ['q8', 'q4'];
  const measured: NativeOverWasm = { model: pair.label, precisions: [first!, ...rest], comparisons: [], authorsSteps: [], wallMs: 0 };
  const done = () => {
    measured.wallMs = performance.now() - started;
    options.onMeasured?.(measured);
  };
  const compare = async (precision: ModelPrecision) => {
    measured.comparisons.push(
      ...(await compareBackends([precision], { load, source, lengths: BACKEND_LENGTHS, spanTokens: SPAN_TOKENS, promptTokens: 200, newTokens: 16, runs: 2, log: options.log })),
    );
    done();
  };
  await compare(first!);
  options.log(`the authors' steps on the ${AUTHORS_FILE_TOKENS}-token file`);
  for (const backend of ['wasm', 'native'] as const) {
    measured.authorsSteps.push(
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
  done();
  for (const precision of rest) await compare(precision);
  return measured;
}

/** Only the native-over-WASM comparison, on the 0.5B shape (the tiny one with --quick), without the rest of `builder bench`. */
export async function runBackendBench(options: {
  quick: boolean;
  cacheDir: string;
  log(line: string): void;
  /** Everything measured so far, after each part of the run. */
  onMeasured?(report: BackendBenchReport): void;
}): Promise<BackendBenchReport> {
  ort.env.wasm.numThreads = WASM_THREADS;
  const date = new Date().toISOString();
  const machine = machineInfo(ort.env.wasm.numThreads ?? WASM_THREADS, null);
  const pair = await benchModels(options.cacheDir, options.quick ? TINY : QWEN_CODER_05B, options.log);
  const measured = await nativeOverWasm(pair, readBenchSource(), { ...options, onMeasured: (partial) => options.onMeasured?.({ ...partial, date, machine }) });
  return { ...measured, date, machine };
}
