import type { BackendChoice } from './diffusionConfig';
import type { ModelPrecision, PrecisionChoice } from './modelPrecision';

/** Where onnxruntime-web runs a model: the GPU through WebGPU, or the CPU through WASM. */
export type Backend = 'webgpu' | 'wasm';

/** What the runtime offers for WebGPU, probed once per worker. */
export interface GpuCapabilities {
  /** The adapter's name in words, or null when there is no usable adapter. */
  adapter: string | null;
  /** Why there is no adapter (no WebGPU in this browser, none granted). */
  unavailableBecause?: string;
  shaderF16: boolean;
}

/** Where a generation runs, in words the page shows, with every fallback said out loud. */
export interface Runtime {
  backend: Backend;
  precision: ModelPrecision;
  /** e.g. "WebGPU: Google SwiftShader" or "WASM: WebGPU is not available in this browser". */
  label: string;
  /** One sentence per fallback taken, for a visible notice. */
  notices: string[];
}

/**
 * The precision `auto` means on a backend: q4 on WebGPU, whose MatMulNBits is a real 4-bit kernel;
 * q8 on WASM, where onnxruntime's build has no 4-bit kernel (MatMulNBits unpacks its weights to
 * float on every call) but an int8 GEMM behind MatMulInteger. q4 rather than q4f16 even with
 * shader-f16: both compute in float32, and q4's embedding table is 4-bit where q4f16's is float16.
 */
export function backendPrecision(backend: Backend): ModelPrecision {
  return backend === 'webgpu' ? 'q4' : 'q8';
}

/**
 * The backend a model will most likely run on, for choosing what to download before any model is
 * loaded: the settings' choice, or for auto WebGPU where the browser has it at all (the engine may
 * still fall back to WASM if no adapter is granted, and then says so).
 */
export function expectedBackend(choice: BackendChoice, hasWebGpu: boolean): Backend {
  return choice === 'auto' ? (hasWebGpu ? 'webgpu' : 'wasm') : choice;
}

/** The precision to fetch or load for a setting, `auto` resolved for the backend. */
export function resolvePrecision(choice: PrecisionChoice, backend: Backend): ModelPrecision {
  return choice === 'auto' ? backendPrecision(backend) : choice;
}

/**
 * Picks the backend and precision from the settings and what the runtime has: WASM where WebGPU is
 * missing, q4 where the GPU cannot run q4f16's float16 table, and WASM again after a GPU fault.
 */
export function chooseRuntime(settings: { backend: BackendChoice; precision: PrecisionChoice; gpuFault?: string }, gpu: GpuCapabilities): Runtime {
  if (settings.gpuFault !== undefined) {
    return {
      backend: 'wasm',
      precision: resolvePrecision(settings.precision, 'wasm'),
      label: 'WASM: the GPU failed',
      notices: [`The GPU failed (${settings.gpuFault}), so this generation ran again on WASM (CPU).`],
    };
  }
  if (settings.backend === 'wasm') return { backend: 'wasm', precision: resolvePrecision(settings.precision, 'wasm'), label: 'WASM: chosen in the settings', notices: [] };
  if (gpu.adapter === null) {
    const why = gpu.unavailableBecause ?? 'WebGPU is not available';
    return {
      backend: 'wasm',
      precision: resolvePrecision(settings.precision, 'wasm'),
      label: `WASM: ${why}`,
      notices: [`${why}, so the model runs on WASM (CPU), which is slower.`],
    };
  }
  const notices: string[] = [];
  let precision = resolvePrecision(settings.precision, 'webgpu');
  if (precision === 'q4f16' && !gpu.shaderF16) {
    precision = 'q4';
    notices.push(`${gpu.adapter} has no shader-f16, so the q4 model is used instead of q4f16.`);
  }
  return { backend: 'webgpu', precision, label: `WebGPU: ${gpu.adapter}`, notices };
}
