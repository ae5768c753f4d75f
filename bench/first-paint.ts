/**
 * The app's first paint with the editor, served by a local static server (the issue asks for under
 * 2 s). Run: npm run bench:first-paint (builds first). Each run is a fresh browser context, so
 * nothing is cached; the time is from navigation start until Monaco has drawn the editor's lines.
 * With --docs FILE (as npm run bench:first-paint passes) it rewrites its section of the benchmarks page.
 */
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { launchChromium } from '../src/measure/chromium';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';

const RUNS = 5;
const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });

const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('the preview server has no port');
const url = `http://localhost:${address.port}/`;
const browser = await launchChromium();
const firstPaint: number[] = [];
const editorReady: number[] = [];
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
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const table = [
  `First paint from a local static server, headless Chromium, median of ${RUNS} cold runs (ms):`,
  '',
  '| first contentful paint | editor drawn |',
  '|---:|---:|',
  `| ${median(firstPaint).toFixed(0)} | ${median(editorReady).toFixed(0)} |`,
];
console.log(table.join('\n'));
if (options.docs) writeBenchmarkSection(options.docs, 'first-paint', [runLine(machineInfo(1, chromiumVersion())), '', ...table].join('\n'));
