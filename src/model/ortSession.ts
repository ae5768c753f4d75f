import * as ort from 'onnxruntime-web';
import type { Backend } from '../core/backendChoice';
import { timedIfAsked } from './sessionRunTiming';

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

/**
 * An onnxruntime-web session on the chosen backend. The WASM files are served by the app itself
 * (`wasmPaths`), never from a CDN; in Node, onnxruntime-web finds them in its package. On WebGPU
 * the outputs named in `keepOnDevice` (keys and values that the next pass takes back as inputs)
 * stay in GPU buffers instead of being read back; whoever holds them must dispose them.
 */
export async function createOrtSession(model: Uint8Array, externalData: ExternalDataFile[], backend: Backend, keepOnDevice: readonly string[] = []): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    externalData,
    graphOptimizationLevel: 'all',
    ...(backend === 'webgpu' && keepOnDevice.length > 0 ? { preferredOutputLocation: Object.fromEntries(keepOnDevice.map((name) => [name, 'gpu-buffer' as const])) } : {}),
  });
  return timedIfAsked(session);
}

/** An int64 tensor of token ids, positions or masks. */
export function int64Tensor(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );
}

/** Points onnxruntime-web at self-hosted WASM files (the app copies them into public/wasm). */
export function useSelfHostedWasm(prefix: string): void {
  ort.env.wasm.wasmPaths = prefix;
}

export { ort };
