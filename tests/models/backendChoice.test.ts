import { describe, expect, it } from 'vitest';
import { chooseRuntime, expectedBackend, type GpuCapabilities, resolvePrecision } from '../../src/models/backendChoice';

const swiftShader: GpuCapabilities = { adapter: 'google swiftshader', emulated: true, shaderF16: false };
const f16Gpu: GpuCapabilities = { adapter: 'nvidia ampere', emulated: false, shaderF16: true };
const noF16Gpu: GpuCapabilities = { adapter: 'intel gen-12lp', emulated: false, shaderF16: false };
const noGpu: GpuCapabilities = { adapter: null, unavailableBecause: 'This browser has no WebGPU', emulated: false, shaderF16: false };

describe('chooseRuntime', () => {
  it('runs on WebGPU when asked for auto and an adapter is there, naming the adapter', () => {
    expect(chooseRuntime({ backend: 'auto', precision: 'q4' }, f16Gpu)).toEqual({ backend: 'webgpu', precision: 'q4', label: 'WebGPU: nvidia ampere', notices: [] });
  });

  it('falls back to WASM with a notice when there is no adapter, whether WebGPU was asked for or auto', () => {
    for (const backend of ['auto', 'webgpu'] as const) {
      const runtime = chooseRuntime({ backend, precision: 'q4' }, noGpu);
      expect(runtime.backend).toBe('wasm');
      expect(runtime.label).toBe('WASM: This browser has no WebGPU');
      expect(runtime.notices).toEqual(['This browser has no WebGPU, so the model runs on WASM (CPU), which is slower.']);
    }
  });

  it('runs auto on WASM where the only adapter is emulated on the CPU, and says why; WebGPU chosen by hand still runs on it', () => {
    for (const precision of ['auto', 'q4'] as const) {
      expect(chooseRuntime({ backend: 'auto', precision }, swiftShader)).toEqual({
        backend: 'wasm',
        precision: precision === 'auto' ? 'q8' : 'q4',
        label: 'WASM: WebGPU is only emulated here (google swiftshader)',
        notices: ['WebGPU is only emulated here (google swiftshader, on the CPU): using WASM, which is faster. Choose WebGPU in the settings to run on it anyway.'],
      });
    }
    expect(chooseRuntime({ backend: 'webgpu', precision: 'auto' }, swiftShader)).toEqual({ backend: 'webgpu', precision: 'q4', label: 'WebGPU: google swiftshader', notices: [] });
  });

  it('takes q4 instead of q4f16 on a GPU without shader-f16, and says so', () => {
    const runtime = chooseRuntime({ backend: 'webgpu', precision: 'q4f16' }, swiftShader);
    expect(runtime).toMatchObject({ backend: 'webgpu', precision: 'q4' });
    expect(runtime.notices[0]).toContain('no shader-f16');
    expect(chooseRuntime({ backend: 'webgpu', precision: 'q4f16' }, f16Gpu).precision).toBe('q4f16');
  });

  it('keeps WASM without notices when the settings ask for it', () => {
    expect(chooseRuntime({ backend: 'wasm', precision: 'q4f16' }, f16Gpu)).toEqual({ backend: 'wasm', precision: 'q4f16', label: 'WASM: chosen in the settings', notices: [] });
  });

  it('runs on WASM after a GPU fault even where the GPU is there, and says why', () => {
    const runtime = chooseRuntime({ backend: 'webgpu', precision: 'q4', gpuFault: 'device lost: destroyed' }, f16Gpu);
    expect(runtime.backend).toBe('wasm');
    expect(runtime.notices).toEqual(['The GPU failed (device lost: destroyed), so this generation ran again on WASM (CPU).']);
  });

  it('resolves auto to q4 on WebGPU (even with shader-f16) and to q8 on WASM, a fallback included', () => {
    expect(chooseRuntime({ backend: 'auto', precision: 'auto' }, f16Gpu)).toMatchObject({ backend: 'webgpu', precision: 'q4', notices: [] });
    expect(chooseRuntime({ backend: 'auto', precision: 'auto' }, noF16Gpu)).toMatchObject({ backend: 'webgpu', precision: 'q4', notices: [] });
    expect(chooseRuntime({ backend: 'auto', precision: 'auto' }, noGpu)).toMatchObject({ backend: 'wasm', precision: 'q8' });
    expect(chooseRuntime({ backend: 'wasm', precision: 'auto' }, f16Gpu)).toMatchObject({ backend: 'wasm', precision: 'q8' });
    expect(chooseRuntime({ backend: 'webgpu', precision: 'auto', gpuFault: 'device lost' }, f16Gpu)).toMatchObject({ backend: 'wasm', precision: 'q8' });
  });

  it('keeps a precision the settings name, on either backend', () => {
    expect(chooseRuntime({ backend: 'wasm', precision: 'q4' }, f16Gpu).precision).toBe('q4');
    expect(chooseRuntime({ backend: 'webgpu', precision: 'q8' }, f16Gpu).precision).toBe('q8');
    expect(resolvePrecision('fp32', 'webgpu')).toBe('fp32');
  });

  it('expects WebGPU for auto where the browser has it, and the chosen backend otherwise (what the model manager downloads for)', () => {
    expect(resolvePrecision('auto', expectedBackend('auto', true))).toBe('q4');
    expect(resolvePrecision('auto', expectedBackend('auto', false))).toBe('q8');
    expect(resolvePrecision('auto', expectedBackend('wasm', true))).toBe('q8');
    expect(resolvePrecision('auto', expectedBackend('webgpu', false))).toBe('q4');
  });
});
