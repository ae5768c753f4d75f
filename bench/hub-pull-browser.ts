/**
 * Get from Hugging Face in Chromium, measured: the Open-dCoder 0.5B shape (random bf16 weights,
 * the checkpoint bench/hub-pull.ts generates into .bench/) served by the Hub double as
 * fredzzp/open-dcoder-0.5B, fetched and converted to q4 in the page's worker through the model
 * manager, until the row says "Cached and verified". The app is built for this run with the double
 * as its Hub (VITE_HUB_ENDPOINT, its CDN in VITE_HUB_DOWNLOAD_HOSTS), so the page's own
 * Content-Security-Policy lets it reach the double and nothing else. Peak memory is the largest
 * resident size of a Chromium renderer process (the page and its dedicated workers run in it),
 * sampled every 250 ms. Run: npm run bench:hub-pull-browser (after npm run bench:hub-pull, which
 * generates the checkpoint); --docs FILE rewrites its section of the benchmarks page.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { launchChromium } from '../src/measure/chromium';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';
import { startHubDouble } from '../tests/support/hubDouble';

const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });
const CHECKPOINT = '.bench/hub-checkpoint-0.5b';
const ID = 'open-dcoder-0.5b';
if (!existsSync(join(CHECKPOINT, 'model.safetensors'))) throw new Error(`${CHECKPOINT} is missing: run npm run bench:hub-pull first, which generates it.`);
const weightBytes = statSync(join(CHECKPOINT, 'model.safetensors')).size;

const hub = await startHubDouble();
await hub.addRepo('fredzzp/open-dcoder-0.5B', CHECKPOINT, { license: 'apache-2.0' });
const outDir = mkdtempSync(join(tmpdir(), 'builder-hub-bench-site-'));
process.env.VITE_HUB_ENDPOINT = hub.url;
process.env.VITE_HUB_DOWNLOAD_HOSTS = hub.cdnUrl;
await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('the preview server has no port');

/** The largest resident size of any Chromium renderer process now, in bytes. */
function rendererRss(): number {
  let largest = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) largest = Math.max(largest, Number(rss[1]) * 1024);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return largest;
}

const browser = await launchChromium({ webgpu: false });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.goto(`http://localhost:${address.port}/`);
await page.getByLabel('Backend').selectOption('wasm');
await page.getByLabel('Precision').selectOption('q4');
await page.getByRole('button', { name: `Get ${ID} from Hugging Face` }).click();
await page.getByRole('button', { name: `Download ${ID} from Hugging Face` }).click({ timeout: 60_000 });
const started = performance.now();
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rendererRss())), 250);
const row = page.getByRole('listitem', { name: ID, exact: true });
await row.getByText(/^Cached and verified: q4/).waitFor({ timeout: 1_800_000 });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const status = await row.locator('.model-status').innerText();
await browser.close();
await server.close();
await hub.close();

const lines = [
  `Checkpoint: the 0.5b shape (Open-dCoder 0.5B: hidden 896, 24 layers), ${(weightBytes / 1e6).toFixed(0)} MB of bf16 safetensors, converted to q4 (asked for in the settings; Auto would take q8 on WASM).`,
  '',
  '| way | wall time | safetensors MB/s | peak renderer memory | stored |',
  '|---|---:|---:|---:|---|',
  `| Get from Hugging Face in Chromium (download to OPFS, then convert in the worker) | ${seconds.toFixed(1)} s | ${(weightBytes / 1e6 / seconds).toFixed(1)} | ${(peak / 1e6).toFixed(0)} MB | ${status.replace(/^Cached and verified: /, '')} |`,
];
console.log(lines.join('\n'));
if (options.docs) writeBenchmarkSection(options.docs, 'hub-pull-browser', [runLine(machineInfo(1, chromiumVersion())), '', ...lines].join('\n'));
rmSync(outDir, { recursive: true, force: true });
