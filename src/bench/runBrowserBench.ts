import { createReadStream, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';
import { benchModels } from './benchModels';
import { benchSetup, SOURCE, TINY } from './benchPlans';
import { type BrowserBenchReport, type BrowserRun, summarize } from './benchReport';
import type { BrowserBenchRequest, BrowserBenchResult } from './browserBenchPage';
import { launchChromium } from './chromium';
import { chromiumVersion, machineInfo } from './machineInfo';
import type { BenchOptions } from './runBench';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODELS_PATH = '/bench-models/';
const WASM_THREADS = 2;
// A backend's run takes minutes on SwiftShader; longer than this is a hang.
const RUN_TIMEOUT_MS = 20 * 60_000;
const PAGE_TIMEOUT_MS = 60_000;

/** Serves the generated bench models (outside the site's own folders) under MODELS_PATH. */
function serveFolder(folder: string): Plugin {
  return {
    name: 'builder-bench-models',
    configureServer(server) {
      server.middlewares.use(MODELS_PATH, (request, response, next) => {
        const path = resolve(folder, decodeURIComponent((request.url ?? '/').split('?')[0]!.slice(1)));
        const inside = relative(folder, path);
        if (inside.startsWith('..') || inside.startsWith(sep)) return next();
        let bytes: number;
        try {
          const stat = statSync(path);
          if (!stat.isFile()) return next();
          bytes = stat.size;
        } catch {
          return next();
        }
        response.writeHead(200, { 'Content-Length': bytes, 'Content-Type': 'application/octet-stream' });
        createReadStream(path).pipe(response);
      });
    },
  };
}

/**
 * `builder bench --browser`: the tiny shape in the system Chromium, on WebGPU (SwiftShader where
 * there is no GPU) and on WASM, through bench/browser.html on a Vite server of this checkout. The
 * page is cross-origin isolated so onnxruntime-web's WASM backend can use threads.
 */
export async function runBrowserBench(options: BenchOptions): Promise<BrowserBenchReport> {
  const started = performance.now();
  const pair = await benchModels(options.cacheDir, TINY, options.log);
  const folder = resolve(pair.diffusionDir, '..');
  const server = await createServer({
    root: ROOT,
    logLevel: 'warn',
    plugins: [serveFolder(folder)],
    server: { host: '127.0.0.1', port: 0, open: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    // Dependencies found up front, so the optimiser does not reload the page in the middle of a run
    // (transformers.js is imported only when the peer runs, too late for the optimiser's scan).
    optimizeDeps: { entries: ['bench/browser.html'], include: ['@huggingface/transformers'] },
  });
  const browser = await launchChromium();
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the bench server has no port');
    const origin = `http://localhost:${address.port}`;
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith('bench: ')) options.log(message.text().slice('bench: '.length));
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/bench/browser.html`);
    await page
      .waitForFunction(() => typeof window.builderBench === 'function', undefined, { timeout: PAGE_TIMEOUT_MS })
      .catch((error: Error) => {
        throw new Error(`bench/browser.html did not start: ${pageErrors.join('; ') || error.message}`);
      });
    page.setDefaultTimeout(RUN_TIMEOUT_MS);
    const runs: BrowserRun[] = [];
    let wasmThreads = 1;
    for (const backend of ['webgpu', 'wasm'] as const) {
      const request: BrowserBenchRequest = {
        backend,
        quick: options.quick,
        diffusionUrl: `${origin}${MODELS_PATH}diffusion/`,
        autoregressiveUrl: `${origin}${MODELS_PATH}autoregressive/`,
        sourceUrl: `${origin}/${SOURCE}`,
        wasmUrl: `${origin}/wasm/`,
        wasmThreads: WASM_THREADS,
      };
      const result: BrowserBenchResult = await page.evaluate((asked) => window.builderBench(asked), request);
      runs.push({ ...summarize(result.model), backend, runsOn: result.runsOn, models: [result.model] });
      if (backend === 'wasm') wasmThreads = result.wasmThreads;
    }
    return {
      date: new Date().toISOString(),
      wallMs: performance.now() - started,
      machine: machineInfo(wasmThreads, chromiumVersion()),
      setup: benchSetup('webgpu and wasm, in Chromium'),
      runs,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
