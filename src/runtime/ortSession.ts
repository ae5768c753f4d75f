import * as ort from 'onnxruntime-web';
import type { Backend } from '../models/backendChoice';
import { timedIfAsked } from './sessionRunTiming';

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

/**
 * An onnxruntime: onnxruntime-web (WASM and WebGPU, in the browser and in Node) or onnxruntime-node
 * (native CPU and CUDA, Node only: see nativeRuntime.ts). Both export the same API
 * (onnxruntime-common), but each bundles its own copy and checks a session's feeds against its own
 * Tensor class, so a model makes its tensors with the runtime that runs its session.
 */
export interface OrtRuntime {
  readonly InferenceSession: typeof ort.InferenceSession;
  readonly Tensor: typeof ort.Tensor;
  /** The session options that put a session on `backend`, which this runtime runs. */
  sessionOptions(backend: Backend, keepOnDevice: readonly string[]): ort.InferenceSession.SessionOptions;
}

/**
 * A session and the Tensor class of the runtime that runs it: all the models know of onnxruntime,
 * so the sampler and the models run alike on either runtime.
 */
export type ModelSession = ort.InferenceSession & { readonly Tensor: typeof ort.Tensor };

/**
 * onnxruntime-web. The WASM files are served by the app itself (`wasmPaths`), never from a CDN; in
 * Node, onnxruntime-web finds them in its package. On WebGPU the outputs named in `keepOnDevice`
 * (keys and values that the next pass takes back as inputs) stay in GPU buffers instead of being
 * read back; whoever holds them must dispose them.
 */
export const webRuntime: OrtRuntime = {
  InferenceSession: ort.InferenceSession,
  Tensor: ort.Tensor,
  sessionOptions(backend, keepOnDevice) {
    if (backend !== 'wasm' && backend !== 'webgpu') throw new Error(`onnxruntime-web does not run the ${backend} backend`);
    return {
      executionProviders: [backend],
      ...(backend === 'webgpu' && keepOnDevice.length > 0 ? { preferredOutputLocation: Object.fromEntries(keepOnDevice.map((name) => [name, 'gpu-buffer' as const])) } : {}),
    };
  },
};

/** A session of `runtime` on the backend, its weights given as external data. */
export async function createOrtSession(
  model: Uint8Array,
  externalData: ExternalDataFile[],
  backend: Backend,
  keepOnDevice: readonly string[] = [],
  runtime: OrtRuntime = webRuntime,
): Promise<ModelSession> {
  const session = await runtime.InferenceSession.create(model, { ...runtime.sessionOptions(backend, keepOnDevice), externalData, graphOptimizationLevel: 'all' });
  return Object.assign(timedIfAsked(session), { Tensor: runtime.Tensor });
}

/** An int64 tensor of token ids, positions or masks, in the session's runtime. */
export function int64Tensor(Tensor: typeof ort.Tensor, values: readonly number[], dims: number[]): ort.Tensor {
  return new Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );
}

export { ort };
