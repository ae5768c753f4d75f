import type { Backend } from '../models/backendChoice';
import { browserRuntime, useSelfHostedWasm } from '../runtime/browserRuntime';
import { probeGpu } from '../runtime/gpuProbe';
import { httpModelReader } from '../runtime/httpModelReader';
import { ort } from '../runtime/ortSession';
import { BROWSER_PLAN, BROWSER_QUICK_PLAN } from './benchPlans';
import type { ModelResult } from './benchReport';
import { measureModel, timedLoad } from './measureModel';
import type { PeakMemory } from './peakMemory';
import { loadPeer } from './transformersPeer';

/** What `builder bench --browser` asks of bench/browser.html, once per backend. */
export interface BrowserBenchRequest {
  backend: Backend;
  quick: boolean;
  /** Model folders and the source file, as URLs of the bench server. */
  diffusionUrl: string;
  autoregressiveUrl: string;
  sourceUrl: string;
  wasmUrl: string;
  wasmThreads: number;
}

export interface BrowserBenchResult {
  model: ModelResult;
  /** The GPU adapter, or WebAssembly with its threads. */
  runsOn: string;
  wasmThreads: number;
}

declare global {
  interface Window {
    builderBench(request: BrowserBenchRequest): Promise<BrowserBenchResult>;
  }
}

/** A page has no view of its process's resident memory; the Node run reports it. */
const noMemory: PeakMemory = { reset() {}, sample() {}, peakMb: () => null };

window.builderBench = async (request) => {
  // Threads need cross-origin isolation, which the bench server gives the page.
  useSelfHostedWasm(request.wasmUrl, crossOriginIsolated ? request.wasmThreads : 1);
  const gpu = request.backend === 'webgpu' ? await probeGpu() : null;
  if (gpu && !gpu.adapter) throw new Error(`WebGPU cannot run here: ${gpu.unavailableBecause}`);
  const source = await (await fetch(request.sourceUrl)).text();
  const log = (line: string) => console.log(`bench: ${request.backend}: ${line}`);
  const model = await measureModel(request.quick ? BROWSER_QUICK_PLAN : BROWSER_PLAN, {
    load: (kind, precision) => timedLoad(httpModelReader(kind === 'diffusion' ? request.diffusionUrl : request.autoregressiveUrl), request.backend, precision, browserRuntime(request.backend)),
    source,
    memory: noMemory,
    peer: (tokenizer, firstFile, precision) => {
      const folder = new URL(request.autoregressiveUrl);
      const name = folder.pathname.split('/').filter(Boolean).at(-1)!;
      return loadPeer({ root: new URL('..', folder).href, name }, request.backend, tokenizer, noMemory, firstFile, precision);
    },
    log,
  });
  const wasmThreads = ort.env.wasm.numThreads ?? 1;
  return { model, runsOn: gpu ? `WebGPU: ${gpu.adapter}` : `WASM, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`, wasmThreads };
};
