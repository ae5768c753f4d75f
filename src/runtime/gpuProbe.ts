import type { GpuCapabilities } from '../models/backendChoice.ts';
import { ort } from './ortSession.ts';

/** The parts of WebGPU this file reads; the DOM typings do not carry WebGPU yet. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  /** Where Chrome before GPUAdapterInfo.isFallbackAdapter said it. */
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
}
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
}
type GpuLike = { requestAdapter(): Promise<GpuAdapterLike | null> };

/** Whether this worker can use WebGPU, on which adapter, whether that is only emulated on the CPU, and whether it has shader-f16. */
export async function probeGpu(): Promise<GpuCapabilities> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { adapter: null, unavailableBecause: 'This browser has no WebGPU', emulated: false, shaderF16: false };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { adapter: null, unavailableBecause: 'WebGPU gave no adapter', emulated: false, shaderF16: false };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ');
  // Chromium's SwiftShader adapter says so in GPUAdapterInfo.isFallbackAdapter (Chromium 156 here; the adapter's own field is gone).
  const emulated = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  return { adapter: name || 'an unnamed adapter', emulated, shaderF16: adapter.features.has('shader-f16') };
}

/**
 * Resolves with the reason once the GPU device onnxruntime-web created is lost. A lost device
 * cannot come back inside this worker's WASM instance, so the page replaces the worker.
 */
export async function gpuDeviceLost(): Promise<string> {
  const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike;
  const info = await device.lost;
  return `device lost: ${info.message || info.reason || 'no reason given'}`;
}
