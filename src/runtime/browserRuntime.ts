import * as wasmOnlyOrt from 'onnxruntime-web/wasm';
import type { Backend } from '../models/backendChoice';
import { type OrtRuntime, ort, webRuntime } from './ortSession';

/**
 * onnxruntime-web's WASM-only build. The app's bundle resolves `onnxruntime-web` to the build with
 * the native WebGPU execution provider (vite.config.ts), whose WebAssembly is compiled with
 * Asyncify (27 MB); this one runs the same CPU execution provider from 14 MB. A page on WASM, where
 * WebGPU is missing or only emulated, fetches and compiles half as much before its first pass.
 */
const wasmOnlyRuntime: OrtRuntime = {
  InferenceSession: wasmOnlyOrt.InferenceSession,
  Tensor: wasmOnlyOrt.Tensor,
  sessionOptions(backend) {
    if (backend !== 'wasm') throw new Error(`onnxruntime-web's WASM-only build does not run the ${backend} backend`);
    return { executionProviders: ['wasm'] };
  },
};

/** The onnxruntime-web build a page runs `backend` on: the WASM-only build for WASM, the WebGPU one for WebGPU. */
export function browserRuntime(backend: Backend): OrtRuntime {
  return backend === 'wasm' ? wasmOnlyRuntime : webRuntime;
}

/**
 * Points both builds at the WASM files the app serves itself (scripts/copy-wasm.mjs copies them
 * into public/wasm), never a CDN, and gives both the same number of threads where one is asked for.
 */
export function useSelfHostedWasm(prefix: string, threads?: number): void {
  for (const env of [ort.env, wasmOnlyOrt.env]) {
    env.wasm.wasmPaths = prefix;
    if (threads !== undefined) env.wasm.numThreads = threads;
  }
}
