import type { BackendChoice } from './diffusionConfig';
import type { ModelPrecision } from './modelPrecision';

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
 * Picks the backend and precision from the settings and what the runtime has: WASM where WebGPU is
 * missing, q4 where the GPU cannot run q4f16's float16 table, and WASM again after a GPU fault.
 */
export function chooseRuntime(settings: { backend: BackendChoice; precision: ModelPrecision; gpuFault?: string }, gpu: GpuCapabilities): Runtime {
  if (settings.gpuFault !== undefined) {
    return {
      backend: 'wasm',
      precision: settings.precision,
      label: 'WASM: the GPU failed',
      notices: [`The GPU failed (${settings.gpuFault}), so this generation ran again on WASM (CPU).`],
    };
  }
  if (settings.backend === 'wasm') return { backend: 'wasm', precision: settings.precision, label: 'WASM: chosen in the settings', notices: [] };
  if (gpu.adapter === null) {
    const why = gpu.unavailableBecause ?? 'WebGPU is not available';
    return {
      backend: 'wasm',
      precision: settings.precision,
      label: `WASM: ${why}`,
      notices: [`${why}, so the model runs on WASM (CPU), which is slower.`],
    };
  }
  const notices: string[] = [];
  let precision = settings.precision;
  if (precision === 'q4f16' && !gpu.shaderF16) {
    precision = 'q4';
    notices.push(`${gpu.adapter} has no shader-f16, so the q4 model is used instead of q4f16.`);
  }
  return { backend: 'webgpu', precision, label: `WebGPU: ${gpu.adapter}`, notices };
}
