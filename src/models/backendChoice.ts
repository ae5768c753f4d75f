import type { BackendChoice } from './diffusionConfig';
import { type ModelPrecision, PRECISION_PREFERENCE, type PrecisionChoice } from './modelPrecision';

/**
 * Where a model runs: onnxruntime-web on the GPU through WebGPU or on the CPU through WASM (the
 * app, and Node); onnxruntime-node on the CPU natively or on the GPU through CUDA (Node only).
 */
export type Backend = WebBackend | 'native' | 'cuda';

/** The backends of onnxruntime-web: the app's. */
export type WebBackend = 'webgpu' | 'wasm';

/** What the runtime offers for WebGPU, probed once per worker. */
export interface GpuCapabilities {
  /** The adapter's name in words, or null when there is no usable adapter. */
  adapter: string | null;
  /** Why there is no adapter (no WebGPU in this browser, none granted). */
  unavailableBecause?: string;
  /** The adapter is WebGPU's fallback adapter (`isFallbackAdapter`): a GPU emulated on the CPU, such as SwiftShader. */
  emulated: boolean;
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

/** The precision `auto` means on a backend, before a model folder is known: the backend's best (PRECISION_PREFERENCE says why). */
export function backendPrecision(backend: Backend): ModelPrecision {
  return PRECISION_PREFERENCE[backend][0]!;
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
 * missing, and for auto where it is only emulated on the CPU (SwiftShader runs shaders with
 * workgroup barriers thousands of times slower than a GPU, so a generation there is far slower
 * than on WASM), q4 where the GPU cannot run q4f16's float16 table, and WASM again after a GPU fault.
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
  if (gpu.emulated && settings.backend === 'auto') {
    return {
      backend: 'wasm',
      precision: resolvePrecision(settings.precision, 'wasm'),
      label: `WASM: WebGPU is only emulated here (${gpu.adapter})`,
      notices: [`WebGPU is only emulated here (${gpu.adapter}, on the CPU): using WASM, which is faster. Choose WebGPU in the settings to run on it anyway.`],
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
