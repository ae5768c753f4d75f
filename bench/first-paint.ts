/**
 * The app's first paint with the editor, served by a local static server (the issue asks for under
 * 2 s), and its first Generate. Run: npm run bench:first-paint (builds first). Each run is a fresh
 * browser context, so nothing is cached; the paint times are from navigation start until Monaco has
 * drawn the editor's lines. Then the demo model regenerates one function on WASM, twice: the first
 * Generate pays for onnxruntime's WebAssembly, the tokenizer and the model, the second only for its
 * passes. With --docs FILE (as npm run bench:first-paint passes) it rewrites its section of the benchmarks page.
 */
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { prepareQuickGeneration } from '../e2e/support/quickGeneration';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { launchChromium } from '../src/measure/chromium';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';

const RUNS = 5;
const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n';
const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });

const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('the preview server has no port');
const url = `http://localhost:${address.port}/`;
const browser = await launchChromium();
const firstPaint: number[] = [];
const editorReady: number[] = [];
const firstGenerate: number[] = [];
const secondGenerate: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.view-lines .view-line').first().waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('builder:editor-drawn').length > 0);
    const times = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      editor: performance.getEntriesByName('builder:editor-drawn')[0]!.startTime,
      domContentLoaded: performance.getEntriesByType('navigation')[0] ? (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd : Number.NaN,
    }));
    console.log(JSON.stringify(times));
    firstPaint.push(times.paint);
    editorReady.push(times.editor);
    await prepareQuickGeneration(page, SOURCE);
    for (const times of [firstGenerate, secondGenerate]) {
      const started = Date.now();
      await page.getByRole('button', { name: 'Generate', exact: true }).click();
      await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
      times.push(Date.now() - started);
      await page.getByRole('button', { name: 'Discard' }).click();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const table = [
  `First paint from a local static server, headless Chromium, median of ${RUNS} cold runs (ms); then Generate on the demo model (WASM, q8, 2 steps), click to result:`,
  '',
  '| first contentful paint | editor drawn | first Generate | second Generate |',
  '|---:|---:|---:|---:|',
  `| ${median(firstPaint).toFixed(0)} | ${median(editorReady).toFixed(0)} | ${median(firstGenerate).toFixed(0)} | ${median(secondGenerate).toFixed(0)} |`,
];
console.log(table.join('\n'));
if (options.docs) writeBenchmarkSection(options.docs, 'first-paint', [runLine(machineInfo(1, chromiumVersion())), '', ...table].join('\n'));
