import { describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';
import { applyDownloadedPatch } from './support/downloadedPatch';
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
  // worker of the model check page (e2e/pages/) under the site's CSP, asking nothing of any other origin.
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
      await page.goto(new URL(`modelCheck.html?model=${model}&precision=${precision}`, inject('testPagesUrl')).href);
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
      expectOnlyOwnOrigin(session, new URL(inject('testPagesUrl')).origin);
      expect(session.violations).toEqual([]);
      await session.close();
    },
    180_000,
  );
});

describe('Auto where the only WebGPU adapter is emulated', () => {
  const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n';

  it('runs on WASM where WebGPU is only SwiftShader, and the backend line says why; WebGPU chosen by hand still runs on it', async () => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const runtimesFetched: string[] = [];
    page.on('request', (request) => {
      const runtime = /\/wasm\/(ort-wasm[^/]*\.wasm)$/.exec(request.url())?.[1];
      if (runtime) runtimesFetched.push(runtime);
    });
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    // This Chromium's one adapter is SwiftShader, which WebGPU reports as its fallback adapter.
    const fallback = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info: { isFallbackAdapter?: boolean } } | null> } }).gpu;
      return (await gpu?.requestAdapter())?.info.isFallbackAdapter;
    });
    expect(fallback).toBe(true);
    await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Prompt').fill('use math.pi');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    expect(await page.getByLabel('Backend').inputValue()).toBe('auto');
    const generate = async (backend: RegExp) => {
      await page.getByRole('button', { name: 'Generate' }).click();
      await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
      await expect.poll(() => page.getByLabel('Runtime').innerText(), { timeout: 10_000 }).toMatch(backend);
      return page.locator('.result-bar .provenance').innerText();
    };
    const auto = await generate(/^Runs on WASM: WebGPU is only emulated here \(google swiftshader\), q8\b/);
    expect(auto).toContain('on WASM: WebGPU is only emulated here (google swiftshader)');
    await page.getByText('WebGPU is only emulated here (google swiftshader, on the CPU): using WASM, which is faster. Choose WebGPU in the settings to run on it anyway.').first().waitFor();
    // On WASM the page fetches onnxruntime-web's WASM-only build, not the WebGPU build's larger one.
    expect(runtimesFetched).toEqual(['ort-wasm-simd-threaded.wasm']);

    await page.getByLabel('Backend').selectOption('webgpu');
    const chosen = await generate(/^Runs on WebGPU: google swiftshader, q4\b/);
    expect(chosen).toContain('on WebGPU: google swiftshader');
    expect(runtimesFetched).toEqual(['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.wasm']);
    // The WebGPU run's patch applies as the WASM one's does (the journey on a real file is e2e/journeyWasm.test.ts).
    await applyDownloadedPatch(page, { 'shapes.py': SOURCE }, 'check');
    await context.close();
  }, 300_000);
});
