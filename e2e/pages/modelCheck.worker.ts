/// <reference lib="webworker" />

import type { WebBackend } from '../../src/models/backendChoice';
import { browserRuntime, useSelfHostedWasm } from '../../src/runtime/browserRuntime';
import { probeGpu } from '../../src/runtime/gpuProbe';
import { httpModelReader } from '../../src/runtime/httpModelReader';
import { type LoadedModel, loadModel } from '../../src/runtime/loadModel';
import type { BackendResult, ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: ModelCheckReply) => self.postMessage(message);

const TOP = 5;

/** The best `TOP` entries of one row of logits, best first. */
function top(logits: Float32Array): { indices: number[]; values: number[] } {
  const indices = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!).slice(0, TOP);
  return { indices, values: indices.map((i) => logits[i]!) };
}

const MASKED = [2, 3, 4, 5];
// Two tokens through the cache prove it (the second reads keys and values the first appended).
const GREEDY_TOKENS = 2;

/**
 * One forward pass (a diffusion model predicts four masked tokens, a causal one the next token),
 * then the same model through its cache: a span pass over the masked tokens, or greedy tokens.
 */
async function predict(loaded: LoadedModel, text: string): Promise<{ indices: number[]; values: number[]; throughCache: number[] }> {
  if (loaded.kind === 'diffusion') {
    const model = loaded.model;
    const masked = model.tokenizer.encode(text).map((id, i) => (MASKED.includes(i) ? model.manifest.maskTokenId! : id));
    const request = { rows: [masked], positions: MASKED, rowWeights: [1], temperature: 1, topK: TOP };
    const prediction = await model.predict(request);
    const { cache } = await model.predictAndCache(request, MASKED);
    try {
      const span = await model.predictSpan(request, cache);
      return { indices: Array.from(prediction.indices), values: Array.from(prediction.values), throughCache: MASKED.map((_, i) => span.indices[i * span.k]!) };
    } finally {
      cache.release();
    }
  }
  const model = loaded.model;
  let step = await model.step(model.tokenizer.encode(text), model.emptyCache(), 0);
  const first = top(step.logits);
  const throughCache: number[] = [];
  try {
    for (let next = first.indices[0]!; throughCache.length < GREEDY_TOKENS; next = throughCache.at(-1)!) {
      step = await model.step([next], step.cache, step.length);
      throughCache.push(top(step.logits).indices[0]!);
    }
  } finally {
    model.releaseCache(step.cache);
  }
  return { ...first, throughCache };
}

async function runOn(backend: WebBackend, request: ModelCheckRequest): Promise<BackendResult> {
  const gpu = backend === 'webgpu' ? await probeGpu() : null;
  const detail = gpu ? (gpu.adapter ?? gpu.unavailableBecause ?? 'no WebGPU') : 'WebAssembly';
  const started = performance.now();
  let loaded: LoadedModel | undefined;
  try {
    loaded = await loadModel(httpModelReader(request.modelUrl), request.precision, backend, browserRuntime(backend));
    const { indices, values, throughCache } = await predict(loaded, request.text);
    return { backend, detail, ok: true, milliseconds: performance.now() - started, topIndices: indices, topValues: values, throughCache };
  } catch (error) {
    return { backend, detail: `${detail}: ${(error as Error).message}`, ok: false, milliseconds: performance.now() - started, topIndices: [], topValues: [], throughCache: [] };
  } finally {
    await loaded?.model.release();
  }
}

self.onmessage = async ({ data }: MessageEvent<ModelCheckRequest>) => {
  try {
    useSelfHostedWasm(data.wasmUrl);
    for (const backend of ['wasm', 'webgpu'] as const) reply({ type: 'result', result: await runOn(backend, data) });
    reply({ type: 'done' });
  } catch (error) {
    reply({ type: 'error', message: (error as Error).message });
  }
};
