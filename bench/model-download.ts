/**
 * The model manager in Chromium: downloading the q4 demo model (tiny-diffusion, 56.6 MB) from a
 * local static server into the cache, and loading the same folder from disk, each through the UI.
 * Run: npm run bench:model-download (builds first). Each run is a fresh browser context, so the
 * cache starts empty. "hash data" is how long the q4 weights file stayed in the verifying phase
 * (read back from OPFS and hashed with sha256 in the download worker), sampled every 25 ms.
 * With --docs FILE (as npm run bench:model-download passes) it rewrites its section of the benchmarks page.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { launchChromium } from '../src/measure/chromium';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';

const RUNS = 3;
const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });
const files = (JSON.parse(readFileSync('public/models/tiny-diffusion/manifest.json', 'utf8')) as { files: { path: string; bytes: number }[] }).files;
const megabytes = (list: typeof files) => list.reduce((sum, f) => sum + f.bytes, 0) / 1e6;
const DATA = 'onnx/model_q4.onnx_data';

const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('the preview server has no port');
const url = `http://localhost:${address.port}/`;
const browser = await launchChromium();

/** Watches the row until the model is cached; returns the total and the time spent hashing the weights. */
async function watch(page: Page, id: string, start: () => Promise<void>): Promise<{ total: number; hashData: number }> {
  const row = page.getByRole('listitem', { name: id, exact: true });
  const manager = page.getByRole('region', { name: 'Models' });
  const began = performance.now();
  await start();
  let hashFrom: number | null = null;
  let hashTo: number | null = null;
  for (;;) {
    const text = `${await manager.innerText()}`;
    const now = performance.now();
    if (text.includes(`verifying ${DATA}`)) hashFrom ??= now;
    else if (hashFrom !== null) hashTo ??= now;
    if ((await row.innerText()).includes('Cached and verified')) break;
    if (now - began > 300_000) throw new Error(`${id} was not cached in 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const total = performance.now() - began;
  return { total, hashData: hashFrom === null ? Number.NaN : (hashTo ?? performance.now()) - hashFrom };
}

const results: { how: string; total: number; hashData: number }[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    for (const how of ['download', 'folder'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByRole('button', { name: 'Load model folder' }).waitFor();
      const result =
        how === 'download'
          ? await watch(page, 'tiny-diffusion', () => page.getByRole('button', { name: 'Download tiny-diffusion' }).click())
          : await watch(page, 'tiny-diffusion', () => page.getByLabel('Model folder').setInputFiles('public/models/tiny-diffusion'));
      console.log(JSON.stringify({ run, how, ...result }));
      results.push({ how, ...result });
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const row = (how: string, label: string, megabytes: number) => {
  const mine = results.filter((r) => r.how === how);
  const total = median(mine.map((r) => r.total)) / 1000;
  return `| ${label} | ${megabytes.toFixed(1)} MB | ${total.toFixed(1)} s | ${(megabytes / total).toFixed(1)} MB/s | ${(median(mine.map((r) => r.hashData)) / 1000).toFixed(2)} s |`;
};
const table = [
  `Model manager in headless Chromium, median of ${RUNS} runs:`,
  '',
  `| what | bytes | click to "cached and verified" | overall rate | hash the q4 weights (${megabytes(files.filter((f) => f.path === DATA)).toFixed(1)} MB) |`,
  '|---|---:|---:|---:|---:|',
  row('download', 'Download tiny-diffusion q4 from the site', megabytes(files.filter((f) => !f.path.startsWith('onnx/') || f.path.includes('_q4.')))),
  row('folder', 'Load model folder tiny-diffusion (q4 + fp32)', megabytes(files)),
];
console.log(`\n${table.join('\n')}`);
if (options.docs) writeBenchmarkSection(options.docs, 'model-download', [runLine(machineInfo(1, chromiumVersion())), '', ...table].join('\n'));
