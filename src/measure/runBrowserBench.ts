import { createReadStream, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import { benchModels } from './benchModels';
import { openBenchPage } from './benchPage';
import { benchSetup, SOURCE, TINY } from './benchPlans';
import { type BrowserBenchReport, type BrowserRun, summarize } from './benchReport';
import type { BrowserBenchRequest, BrowserBenchResult } from './browserBenchPage';
import { chromiumVersion, machineInfo } from './machineInfo';
import type { BenchOptions } from './runBench';

const MODELS_PATH = '/bench-models/';
const WASM_THREADS = 2;
// A backend's run takes minutes on SwiftShader; longer than this is a hang.
const RUN_TIMEOUT_MS = 20 * 60_000;

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
  const { page, origin, close } = await openBenchPage({
    html: 'bench/browser.html',
    ready: 'builderBench',
    logPrefix: 'bench: ',
    log: options.log,
    plugins: [serveFolder(folder)],
    // transformers.js is imported only when the peer runs, too late for the optimiser's scan.
    include: ['@huggingface/transformers'],
  });
  try {
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
    await close();
  }
}
