import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '../models/backendChoice';
import type { ModelPrecision } from '../models/modelPrecision';
import { loadModel } from '../runtime/loadModel';
import { loadNativeRuntime } from '../runtime/nativeRuntime';
import { nodeModelReader } from '../runtime/nodeModelReader';
import { ort, webRuntime } from '../runtime/ortSession';
import { type BenchModelPair, benchModels } from './benchModels';
import { benchSetup, QWEN_05B_PLAN, SOURCE, TINY_PLAN, TINY_QUICK_PLAN } from './benchPlans';
import { type BenchReport, type ModelResult, summarize } from './benchReport';
import { machineInfo } from './machineInfo';
import { type BackendComparison, compareBackends } from './measureBackends';
import { measureModel, timedLoad } from './measureModel';
import { peakMemory } from './peakMemory';
import { loadPeer } from './transformersPeer';

export interface BenchOptions {
  /** Tiny models only, for a smoke test. */
  quick: boolean;
  /** Where generated models are kept between runs. */
  cacheDir: string;
  log(line: string): void;
}

const WASM_THREADS = 2;

const sourcePath = fileURLToPath(new URL(`../../${SOURCE}`, import.meta.url));

/** Measures every model shape in turn on WASM in Node (tiny first: onnxruntime's WASM memory only grows) and reports. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  ort.env.wasm.numThreads = WASM_THREADS;
  // Our sessions find the WASM files in the package by themselves; transformers.js needs them named.
  ort.env.wasm.wasmPaths ??= pathToFileURL(`${dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))}/`).href;
  const memory = peakMemory();
  const source = readFileSync(sourcePath, 'utf8');
  const models: ModelResult[] = [];
  let largest: BenchModelPair | undefined;
  for (const plan of options.quick ? [TINY_QUICK_PLAN] : [TINY_PLAN, QWEN_05B_PLAN]) {
    const pair = await benchModels(options.cacheDir, plan.spec, options.log);
    largest = pair;
    models.push(
      await measureModel(plan, {
        load: (kind, precision) => timedLoad(nodeModelReader(kind === 'diffusion' ? pair.diffusionDir : pair.autoregressiveDir), 'wasm', precision),
        source,
        memory,
        peer: (tokenizer, firstFile, precision) => loadPeer({ root: `${dirname(pair.autoregressiveDir)}/`, name: basename(pair.autoregressiveDir) }, 'wasm', tokenizer, memory, firstFile, precision),
        log: options.log,
      }),
    );
  }
  const backends = await nativeOverWasm(largest!, source, options);
  return {
    ...summarize(models.at(-1)!),
    date: new Date().toISOString(),
    wallMs: performance.now() - started,
    machine: machineInfo(ort.env.wasm.numThreads ?? WASM_THREADS, null),
    setup: benchSetup('wasm'),
    models,
    backends,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Sequence lengths of the native-over-WASM comparison: the 216- and 2,016-token sequences issue 26 names. */
export const BACKEND_LENGTHS = [216, 2016] as const;

/** The largest shape's folders on native onnxruntime and on WASM: q8 and q4 (q8 only with --quick). */
export async function nativeOverWasm(pair: BenchModelPair, source: string, options: Pick<BenchOptions, 'quick' | 'log'>): Promise<BackendComparison[]> {
  const native = await loadNativeRuntime();
  const load = (kind: 'diffusion' | 'autoregressive', backend: Backend, precision: ModelPrecision) =>
    loadModel(nodeModelReader(kind === 'diffusion' ? pair.diffusionDir : pair.autoregressiveDir), precision, backend, backend === 'native' ? native : webRuntime);
  const precisions: ModelPrecision[] = options.quick ? ['q8'] : ['q8', 'q4'];
  return compareBackends(precisions, { load, source, lengths: BACKEND_LENGTHS, spanTokens: 128, promptTokens: 200, newTokens: 16, runs: 2, log: options.log });
}
