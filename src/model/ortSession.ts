import * as ort from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

/**
 * An onnxruntime-web session on the chosen backend. The WASM files are served by the app itself
 * (`wasmPaths`), never from a CDN; in Node, onnxruntime-web finds them in its package.
 */
export function createOrtSession(model: Uint8Array, externalData: ExternalDataFile[], backend: Backend): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: [backend],
    externalData,
    graphOptimizationLevel: 'all',
  });
}

/** An int64 tensor of token ids, positions or masks. */
export function int64Tensor(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/** Points onnxruntime-web at self-hosted WASM files (the app copies them into public/wasm). */
export function useSelfHostedWasm(prefix: string): void {
  ort.env.wasm.wasmPaths = prefix;
}

export { ort };
