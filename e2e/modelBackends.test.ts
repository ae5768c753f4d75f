import { describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';
import { expectOnlyOwnOrigin, startRecordedSession } from './support/recordedSession';

const browser = useChromium();

interface BackendRow {
  ok: boolean;
  detail: string;
  top: number[];
  values: number[];
  throughCache: number[];
}

describe('the converted demo models in Chromium', () => {
  // q4 is WebGPU's precision and q8 WASM's; each must load and agree on both backends of the
  // build the app loads (q8's MatMulInteger runs on the WebGPU provider's CPU fallback), in the
  // diagnostics page's worker under the site's CSP, asking nothing of any other origin.
  it.each([
    ['tiny-diffusion', 'q4', 4 * 5],
    ['tiny-autoregressive', 'q4', 5],
    ['tiny-diffusion', 'q8', 4 * 5],
    ['tiny-autoregressive', 'q8', 5],
  ])(
    'runs the model %s at %s on WebGPU and on WASM with matching outputs, directly and through its cache, under the CSP',
    async (model, precision, count) => {
      const session = await startRecordedSession(browser());
      const { page } = session;
      await page.goto(new URL(`diagnostics.html?model=${model}&precision=${precision}`, inject('baseUrl')).href);
      await page
        .getByLabel('Status')
        .filter({ hasText: /done|error/ })
        .waitFor({ timeout: 150_000 });
      const rows = (await page.locator('tr[data-backend]').evaluateAll((elements) =>
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
      )) as Record<'wasm' | 'webgpu', BackendRow>;
      expect(rows.wasm.ok, rows.wasm.detail).toBe(true);
      expect(rows.webgpu.ok, rows.webgpu.detail).toBe(true);
      expect(rows.wasm.top).toHaveLength(count);
      const difference = Math.max(...rows.wasm.values.map((value, i) => Math.abs(value - rows.webgpu.values[i]!)));
      console.log(`${model} ${precision}: top values differ by at most ${difference.toExponential(2)} between WebGPU and WASM`);
      if (precision === 'q4') {
        expect(rows.webgpu.top).toEqual(rows.wasm.top);
        expect(difference).toBeLessThan(1e-3);
      } else {
        // q8 quantises the activations per tensor: where the providers' float arithmetic differs in
        // the last bit, an activation can land on the next code, so values move by a fraction of a
        // step and near-tied tokens may swap ranks. The best token at each position must agree.
        const best = (top: number[]) => top.filter((_, i) => i % 5 === 0);
        expect(best(rows.webgpu.top)).toEqual(best(rows.wasm.top));
        expect(difference).toBeLessThan(2e-2);
      }
      // Through the cache each backend keeps between passes (GPU buffers on WebGPU): the same tokens,
      // and for the diffusion model the span pass's best tokens are the full pass's.
      expect(rows.wasm.throughCache).toHaveLength(model === 'tiny-diffusion' ? 4 : 2);
      expect(rows.webgpu.throughCache).toEqual(rows.wasm.throughCache);
      if (model === 'tiny-diffusion') expect(rows.webgpu.throughCache).toEqual([0, 1, 2, 3].map((i) => rows.wasm.top[i * 5]));
      // The proxy saw the worker fetch the model, so its silence about other origins is not blindness.
      expect(session.proxy.requests.some((r) => r.url.endsWith(`/models/${model}/manifest.json`))).toBe(true);
      expectOnlyOwnOrigin(session, new URL(inject('baseUrl')).origin);
      expect(session.violations).toEqual([]);
      await session.close();
    },
    180_000,
  );
});
