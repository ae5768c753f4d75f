import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';

const browser = useChromium();
let context: BrowserContext;
let page: Page;

const row = (id: string) => page.getByRole('listitem', { name: id, exact: true });
const statusOf = async (id: string) => (await row(id).locator('.model-status').allInnerTexts()).join('');

/** Whether the cache holds the completion marker of a model: without it, nothing reads the entry as a model. */
const hasCompletionMarker = (id: string) =>
  page.evaluate(async (model) => {
    try {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('models');
      await (await root.getDirectoryHandle(model)).getFileHandle('.complete.json');
      return true;
    } catch {
      return false;
    }
  }, id);

async function openApp(): Promise<void> {
  await page.goto(inject('baseUrl'));
  await page.getByRole('button', { name: 'Load model folder' }).waitFor();
  await expect.poll(() => page.getByLabel('Storage use').count()).toBe(1);
}

beforeEach(async () => {
  context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await openApp();
});

afterEach(async () => {
  await context.close();
});

describe('the model manager', () => {
  it('downloads a demo model with one progress bar, keeps it across a reload, generates from the cache, and deletes it', async () => {
    expect(await statusOf('tiny-diffusion')).toMatch(/^Built in: served with this page/);
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    const progress = page.getByRole('progressbar', { name: 'Downloading tiny-diffusion' });
    await progress.waitFor();
    // The total is the manifest's from the first report on: the q4 files, not the fp32 ones.
    const manifest = JSON.parse(readFileSync('public/models/tiny-diffusion/manifest.json', 'utf8')) as { files: { path: string; bytes: number }[] };
    const q4Total = manifest.files.filter((f) => !f.path.startsWith('onnx/') || f.path.includes('_q4.')).reduce((sum, f) => sum + f.bytes, 0);
    await expect.poll(() => progress.getAttribute('max'), { timeout: 30_000 }).toBe(String(q4Total));
    await expect.poll(() => statusOf('tiny-diffusion'), { timeout: 120_000 }).toBe(`Cached and verified: q4, ${(q4Total / 1e6).toFixed(1)} MB`);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(true);

    await page.reload();
    await page.getByRole('button', { name: 'Load model folder' }).waitFor();
    await expect.poll(() => statusOf('tiny-diffusion'), { timeout: 30_000 }).toMatch(/^Cached and verified: q4/);
    expect(await page.getByRole('button', { name: 'Download tiny-diffusion' }).count()).toBe(0);

    // The engine must now read the model from the cache: the site's copy is made unreachable.
    const siteReads: string[] = [];
    await page.route('**/models/tiny-diffusion/**', (route) => (siteReads.push(route.request().url()), route.abort()));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from('def area(radius):\n    return 3.14159 * radius ** 2\n') });
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    // WASM for speed, at the precision the download fetched for this browser's WebGPU (auto would pick q8 on WASM).
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Precision').selectOption('q4');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    expect(siteReads).toEqual([]);

    await page.getByRole('button', { name: 'Delete tiny-diffusion' }).click();
    await expect.poll(() => statusOf('tiny-diffusion')).toMatch(/^Built in: served with this page/);
    await expect.poll(() => row('tiny-diffusion').getByRole('status').innerText()).toMatch(/deleted from the cache/);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(false);
  }, 300_000);

  it('resumes a dropped connection with a Range request, and Generate waits for the download', async () => {
    const dataFile = 'onnx/model_q4.onnx_data';
    const full = readFileSync(`public/models/tiny-diffusion/${dataFile}`);
    const ranges: (string | null)[] = [];
    let resume = () => {};
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    await page.route(`**/models/tiny-diffusion/${dataFile}`, async (route) => {
      ranges.push(route.request().headers().range ?? null);
      if (ranges.length > 1) return resumed.then(() => route.continue());
      // The first answer promises the whole file and stops a third of the way in.
      await route.fulfill({ status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(full.length) }, body: full.subarray(0, Math.floor(full.length / 3)) });
    });
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    // The retry is held back: the model is still downloading, and Generate says so.
    await expect.poll(() => ranges.length, { timeout: 60_000 }).toBe(2);
    await page.getByText(/tiny-diffusion is still downloading \(\d+%\): wait for it to finish/).waitFor();
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    resume();
    await expect.poll(() => statusOf('tiny-diffusion'), { timeout: 120_000 }).toMatch(/^Cached and verified: q4/);
    expect(await page.getByText(/still downloading/).count()).toBe(0);
    expect(ranges).toEqual([null, `bytes=${Math.floor(full.length / 3)}-`]);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(true);
  }, 300_000);

  it('a tab closed mid-download leaves a partial entry that nothing reads as complete, and the next Download resumes it', async () => {
    const dataFile = 'onnx/model_q4.onnx_data';
    const full = readFileSync(`public/models/tiny-diffusion/${dataFile}`);
    const third = Math.floor(full.length / 3);
    const ranges: (string | null)[] = [];
    await context.route(`**/models/tiny-diffusion/${dataFile}`, async (route) => {
      ranges.push(route.request().headers().range ?? null);
      // First a third of the file and a dropped connection; the retry then hangs until the tab is gone.
      if (ranges.length === 1) await route.fulfill({ status: 200, headers: { 'content-length': String(full.length) }, body: full.subarray(0, third) });
      else if (ranges.length === 2) await new Promise(() => {});
      else await route.continue();
    });
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    await expect.poll(() => ranges.length, { timeout: 60_000 }).toBe(2);
    await page.close();

    page = await context.newPage();
    await openApp();
    await expect.poll(() => statusOf('tiny-diffusion'), { timeout: 30_000 }).toMatch(/^Partly downloaded \(\d+\.\d MB stored\); Download resumes it$/);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(false);
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    await expect.poll(() => statusOf('tiny-diffusion'), { timeout: 120_000 }).toMatch(/^Cached and verified: q4/);
    expect(ranges[2]).toBe(`bytes=${third}-`);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(true);
  }, 300_000);

  it('refuses a corrupted file with a message naming it, and leaves no entry that looks complete', async () => {
    await page.route('**/models/tiny-diffusion/config.json', async (route) => {
      const real = await route.fetch();
      const body = Buffer.from(await real.body());
      body.writeUInt8(body.readUInt8(10) ^ 0x20, 10); // Same length, one bit flipped.
      await route.fulfill({ response: real, body });
    });
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    const alert = row('tiny-diffusion').getByRole('alert');
    await alert.waitFor({ timeout: 120_000 });
    expect(await alert.innerText()).toMatch(/config\.json of tiny-diffusion does not match its sha256/);
    expect(await statusOf('tiny-diffusion')).toMatch(/^Partly downloaded/);
    expect(await hasCompletionMarker('tiny-diffusion')).toBe(false);
  }, 300_000);

  it('loads a model folder from disk through the folder input, verified', async () => {
    await page.getByLabel('Model folder').setInputFiles('public/models/tiny-autoregressive');
    await expect.poll(() => statusOf('tiny-autoregressive'), { timeout: 120_000 }).toMatch(/^Cached and verified: q4, q8, fp32/);
    expect(await row('tiny-autoregressive').getByRole('status').innerText()).toMatch(/tiny-autoregressive is cached and verified/);
    expect(await hasCompletionMarker('tiny-autoregressive')).toBe(true);
  }, 300_000);

  it('offers a real model from Hugging Face, with the terminal and on-disk ways a click away', async () => {
    expect(await row('open-dcoder-0.5b').innerText()).toMatch(/about 320\.0 MB at q4, 500\.0 MB at q8/);
    expect(await page.getByRole('button', { name: 'Get open-dcoder-0.5b from Hugging Face' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Download open-dcoder-0.5b' }).count()).toBe(0);
    await row('open-dcoder-0.5b').getByText('Other ways to get it').click();
    expect(await row('open-dcoder-0.5b').innerText()).toContain(
      'builder pull fredzzp/open-dcoder-0.5B --out open-dcoder-0.5b --family open-dcoder downloads https://huggingface.co/fredzzp/open-dcoder-0.5B',
    );
  });
});
