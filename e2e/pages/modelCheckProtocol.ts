/** Messages between the model check page (e2e/modelBackends.test.ts) and the worker that runs the model on each backend. */
export interface ModelCheckRequest {
  type: 'check';
  modelUrl: string;
  /** Where onnxruntime-web's WASM files are served: the page knows the site's base, the worker does not. */
  wasmUrl: string;
  precision: 'fp32' | 'q8' | 'q4';
  /** Text whose tokens are fed to the model, a few of them masked. */
  text: string;
}

export interface BackendResult {
  backend: 'webgpu' | 'wasm';
  /** The GPU adapter's description, or why the backend could not run. */
  detail: string;
  ok: boolean;
  milliseconds: number;
  /** The top-k, best first, from one forward pass: [positions, k] for a diffusion model, the next token's for a causal one. */
  topIndices: number[];
  topValues: number[];
  /**
   * What the model makes through the cache it keeps between passes (on the GPU under WebGPU):
   * a diffusion model's best token per masked position from a span pass against the context
   * cache, a causal model's next two greedy tokens through its KV cache.
   */
  throughCache: number[];
}

export type ModelCheckReply = { type: 'result'; result: BackendResult } | { type: 'done' } | { type: 'error'; message: string };
