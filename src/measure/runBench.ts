import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeModelReader } from '../runtime/nodeModelReader';
import { ort } from '../runtime/ortSession';
import { type BenchModelPair, benchModels } from './benchModels';
import { benchSetup, QWEN_05B_PLAN, TINY_PLAN, TINY_QUICK_PLAN } from './benchPlans';
import { type BenchReport, type ModelResult, summarize } from './benchReport';
import { machineInfo } from './machineInfo';
import { measureModel, timedLoad } from './measureModel';
import { peakMemory } from './peakMemory';
import { nativeOverWasm, readBenchSource, WASM_THREADS } from './runBackendBench';
import { loadPeer } from './transformersPeer';

export interface BenchOptions {
  /** Tiny models only, for a smoke test. */
  quick: boolean;
  /** Where generated models are kept between runs. */
  cacheDir: string;
  log(line: string): void;
}

/** Measures every model shape in turn on WASM in Node (tiny first: onnxruntime's WASM memory only grows) and reports. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  ort.env.wasm.numThreads = WASM_THREADS;
  // Our sessions find the WASM files in the package by themselves; transformers.js needs them named.
  ort.env.wasm.wasmPaths ??= pathToFileURL(`${dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))}/`).href;
  const memory = peakMemory();
  const source = readBenchSource();
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
