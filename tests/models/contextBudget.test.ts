import { describe, expect, it } from 'vitest';
import { contextBudget, memoryTokens, WASM_MEMORY_BYTES } from '../../src/models/contextBudget';

// Qwen2.5-Coder-0.5B's config.json (the Open-dCoder 0.5B body): 24 layers, 14 heads, 2 key-value heads, head size 64.
const HALF_B = { layers: 24, heads: 14, keyValueHeads: 2, headDim: 64 };
const memory = (weightBytes: number, largestBufferBytes: number | null = null) => ({ attention: HALF_B, weightBytes, largestBufferBytes });

/** Bytes of one guided pass at L tokens on WASM, written out as the graph holds them. */
const wasmBytes = (length: number, rows: number, modelBytes: number) => modelBytes + 2 * rows * 14 * length * length * 4 + 24 * 2 * rows * 2 * length * 64 * 4;

describe('contextBudget', () => {
  it("gives the longest sequence whose scores fit WASM's 4 GiB beside the weights", () => {
    const modelBytes = 320e6;
    const tokens = memoryTokens({ memory: memory(modelBytes), rows: 2, backend: 'wasm' });
    expect(wasmBytes(tokens, 2, modelBytes)).toBeLessThanOrEqual(WASM_MEMORY_BYTES);
    expect(wasmBytes(tokens + 1, 2, modelBytes)).toBeGreaterThan(WASM_MEMORY_BYTES);
    // One row (no guidance) holds about sqrt(2) times as many.
    expect(memoryTokens({ memory: memory(modelBytes), rows: 1, backend: 'wasm' }) / tokens).toBeCloseTo(Math.SQRT2, 1);
    // The 8k tokens that crashed under guidance: 7.5 GB of scores per layer, refused by the budget.
    expect(2 * 14 * 8192 * 8192 * 4).toBeGreaterThan(7.5e9);
    expect(tokens).toBeLessThan(8192);
  });

  it("on WebGPU fits one layer's scores in the device's largest buffer", () => {
    const tokens = memoryTokens({ memory: memory(320e6, 2 ** 31), rows: 2, backend: 'webgpu' });
    expect(2 * 14 * tokens * tokens * 4).toBeLessThanOrEqual(2 ** 31);
    expect(2 * 14 * (tokens + 1) * (tokens + 1) * 4).toBeGreaterThan(2 ** 31);
  });

  it("is the smallest of the model's positions, the memory and the setting, and says which", () => {
    const request = { maxPositions: 32768, memory: memory(320e6), rows: 2, backend: 'wasm' as const };
    expect(contextBudget({ ...request, setting: 1024 })).toMatchObject({ tokens: 1024, limitedBy: 'setting' });
    expect(contextBudget({ ...request, setting: 100_000 }).limitedBy).toBe('memory');
    expect(contextBudget({ ...request, maxPositions: 512, setting: 1024 })).toMatchObject({ tokens: 512, limitedBy: 'model' });
  });
});
