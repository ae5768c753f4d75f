/// <reference lib="webworker" />
import type { DiffusionModel } from '../model/diffusionModel';
import { httpModelReader } from '../model/httpModelReader';
import { loadModel } from '../model/loadModel';
import { useSelfHostedWasm, type Backend } from '../model/ortSession';
import type { BackendResult, ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: ModelCheckReply) => self.postMessage(message);

async function adapterDescription(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
  if (!gpu) return 'WebGPU is not available in this browser';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'WebGPU adapter';
}

async function runOn(backend: Backend, request: ModelCheckRequest): Promise<BackendResult> {
  const detail = backend === 'webgpu' ? await adapterDescription() : 'WebAssembly';
  const started = performance.now();
  let model: DiffusionModel | undefined;
  try {
    const loaded = await loadModel(httpModelReader(request.modelUrl), request.precision, backend);
    if (loaded.kind !== 'diffusion') throw new Error('the diagnostics run a diffusion model');
    model = loaded.model;
    const ids = model.tokenizer.encode(request.text);
    const masked = ids.map((id, i) => (i >= 2 && i < 6 ? model!.manifest.maskTokenId! : id));
    const prediction = await model.predict({ rows: [masked], positions: [2, 3, 4, 5], rowWeights: [1], temperature: 1, topK: 5 });
    return { backend, detail, ok: true, milliseconds: performance.now() - started, topIndices: Array.from(prediction.indices), topValues: Array.from(prediction.values) };
  } catch (error) {
    return { backend, detail: `${detail}: ${(error as Error).message}`, ok: false, milliseconds: performance.now() - started, topIndices: [], topValues: [] };
  } finally {
    await model?.release();
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
