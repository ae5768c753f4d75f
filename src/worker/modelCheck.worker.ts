/// <reference lib="webworker" />
import { httpModelReader } from '../model/httpModelReader';
import { loadModel, type LoadedModel } from '../model/loadModel';
import { useSelfHostedWasm, type Backend } from '../model/ortSession';
import { probeGpu } from './gpuProbe';
import type { BackendResult, ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: ModelCheckReply) => self.postMessage(message);

const TOP = 5;

/** The best `TOP` entries of one row of logits, best first. */
function top(logits: Float32Array): { indices: number[]; values: number[] } {
  const indices = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!).slice(0, TOP);
  return { indices, values: indices.map((i) => logits[i]!) };
}

/** One forward pass: a diffusion model predicts four masked tokens, a causal one the next token. */
async function predictOnce(loaded: LoadedModel, text: string): Promise<{ indices: number[]; values: number[] }> {
  if (loaded.kind === 'diffusion') {
    const model = loaded.model;
    const masked = model.tokenizer.encode(text).map((id, i) => (i >= 2 && i < 6 ? model.manifest.maskTokenId! : id));
    const prediction = await model.predict({ rows: [masked], positions: [2, 3, 4, 5], rowWeights: [1], temperature: 1, topK: TOP });
    return { indices: Array.from(prediction.indices), values: Array.from(prediction.values) };
  }
  const model = loaded.model;
  const step = await model.step(model.tokenizer.encode(text), model.emptyCache(), 0);
  return top(step.logits.subarray(step.logits.length - step.vocabSize));
}

async function runOn(backend: Backend, request: ModelCheckRequest): Promise<BackendResult> {
  const gpu = backend === 'webgpu' ? await probeGpu() : null;
  const detail = gpu ? (gpu.adapter ?? gpu.unavailableBecause ?? 'no WebGPU') : 'WebAssembly';
  const started = performance.now();
  let loaded: LoadedModel | undefined;
  try {
    loaded = await loadModel(httpModelReader(request.modelUrl), request.precision, backend);
    const { indices, values } = await predictOnce(loaded, request.text);
    return { backend, detail, ok: true, milliseconds: performance.now() - started, topIndices: indices, topValues: values };
  } catch (error) {
    return { backend, detail: `${detail}: ${(error as Error).message}`, ok: false, milliseconds: performance.now() - started, topIndices: [], topValues: [] };
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
