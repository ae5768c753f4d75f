import { describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';

const browser = useChromium();

interface BackendRow {
  ok: boolean;
  detail: string;
  top: number[];
  values: number[];
  throughCache: number[];
}

describe('the converted demo models in Chromium', () => {
  it.each([
    ['tiny-diffusion', 4 * 5],
    ['tiny-autoregressive', 5],
  ])('runs the q4 model %s on WebGPU and on WASM with matching outputs, directly and through its cache', async (model, count) => {
    const page = await browser().newPage();
    await page.goto(new URL(`diagnostics.html?model=${model}&precision=q4`, inject('baseUrl')).href);
    await page.getByLabel('Status').filter({ hasText: /done|error/ }).waitFor({ timeout: 150_000 });
    const rows = await page.locator('tr[data-backend]').evaluateAll((elements) =>
      Object.fromEntries(
        elements.map((e) => [
          e.getAttribute('data-backend'),
          {
            ok: e.getAttribute('data-ok') === 'true',
            detail: e.textContent,
            top: JSON.parse(e.getAttribute('data-top')!),
            values: JSON.parse(e.getAttribute('data-values')!),
            throughCache: JSON.parse(e.getAttribute('data-through-cache')!),
          },
        ]),
      ),
    ) as Record<'wasm' | 'webgpu', BackendRow>;
    expect(rows.wasm.ok, rows.wasm.detail).toBe(true);
    expect(rows.webgpu.ok, rows.webgpu.detail).toBe(true);
    expect(rows.wasm.top).toHaveLength(count);
    expect(rows.webgpu.top).toEqual(rows.wasm.top);
    rows.wasm.values.forEach((value, i) => expect(Math.abs(value - rows.webgpu.values[i]!)).toBeLessThan(1e-3));
    // Through the cache each backend keeps between passes (GPU buffers on WebGPU): the same tokens,
    // and for the diffusion model the span pass's best tokens are the full pass's.
    expect(rows.wasm.throughCache).toHaveLength(4);
    expect(rows.webgpu.throughCache).toEqual(rows.wasm.throughCache);
    if (model === 'tiny-diffusion') expect(rows.webgpu.throughCache).toEqual([0, 1, 2, 3].map((i) => rows.wasm.top[i * 5]));
    await page.close();
  }, 180_000);
});
