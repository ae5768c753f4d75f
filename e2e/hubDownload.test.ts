import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../src/convert/tinyModel';
import { type HubDouble, startHubDouble } from '../tests/support/hubDouble';
import { useChromium } from './support/browser';
import { applyDownloadedPatch } from './support/downloadedPatch';

/**
 * Get from Hugging Face in the built app, with its production Content-Security-Policy: the app
 * asks https://huggingface.co, and the browser context routes that host and the CDN's
 * (https://cdn-lfs.hf.co, behind its 302s) to the Hub double, so nothing leaves the machine and the policy that
 * names the Hub's hosts is the one a user gets.
 */
const browser = useChromium({ webgpu: false });
const REAL_FILE = 'fixtures/real/python/_urls.py';
const CDN = 'https://cdn-lfs.hf.co';
let hub: HubDouble;
let context: BrowserContext;
let page: Page;
let contacted: string[];
let cdnReads: string[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'e2e-hub-'));
  await writeTinyCheckpoint(join(root, 'checkpoint'), { kind: 'diffusion', seed: 9 });
  await writeTinyCheckpoint(join(root, 'ar'), { kind: 'autoregressive', seed: 10 });
  const source = await openFolder(join(root, 'ar'));
  const checkpoint = await openCheckpoint(source);
  await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(join(root, 'export')), id: 'x', kind: 'autoregressive', precisions: ['q4', 'q8'] });
  await checkpoint.close();
  rmSync(join(root, 'export', 'manifest.json'));
  hub = await startHubDouble({ cdnLocation: CDN });
  await hub.addRepo('fredzzp/open-dcoder-0.5B', join(root, 'checkpoint'), { license: 'apache-2.0' });
  await hub.addRepo('onnx-community/Qwen2.5-Coder-0.5B-Instruct', join(root, 'export'), { license: 'apache-2.0' });
}, 180_000);
afterAll(() => hub?.close());

/**
 * Sends a routed request to the double and answers with what it said. Chromium fails a fetch whose
 * intercepted answer is a fulfilled 302 (seen here: "Failed to fetch"), so the Hub's redirect to
 * its CDN is followed here and the CDN's answer given; the Node tests (tests/hub) cover the 302.
 */
async function toDouble(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  const headers = { ...route.request().headers(), 'x-forwarded-origin': url.origin };
  let response = await route.fetch({ url: `${hub.url}${url.pathname}${url.search}`, maxRedirects: 0, headers });
  const location = response.headers().location;
  if (response.status() === 302 && location?.startsWith(CDN)) {
    cdnReads.push(location);
    response = await route.fetch({ url: `${hub.cdnUrl}${location.slice(CDN.length)}`, headers });
  }
  await route.fulfill({ response });
}

beforeEach(async () => {
  contacted = [];
  cdnReads = [];
  hub.faults.corrupt = new Set();
  context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
  context.on('request', (request) => contacted.push(new URL(request.url()).origin));
  await context.route('https://huggingface.co/**', toDouble);
  page = await context.newPage();
  await page.goto(inject('baseUrl'));
  await page.getByRole('button', { name: 'Load model folder' }).waitFor();
  // The precision is left to follow the backend: q8 on WASM, which the fallback export publishes
  // as onnx-community's does (model_quantized.onnx, beside model_q4.onnx).
  await page.getByLabel('Backend').selectOption('wasm');
});
afterEach(() => context.close());

const row = (id: string) => page.getByRole('listitem', { name: id, exact: true });
const statusOf = async (id: string) => (await row(id).locator('.model-status').allInnerTexts()).join('');

describe('Get from Hugging Face', () => {
  it('shows what it will fetch before the user agrees, converts the checkpoint in the browser, and contacts only the Hub', async () => {
    const appOrigin = new URL(inject('baseUrl')).origin;
    // The page has settled: no request for half a second.
    await page.waitForLoadState('networkidle');
    expect(new Set(contacted)).toEqual(new Set([appOrigin]));
    await page.getByRole('button', { name: 'Get open-dcoder-0.5b from Hugging Face' }).click();
    const offer = page.getByRole('group', { name: 'Get open-dcoder-0.5b from Hugging Face' });
    await expect.poll(() => offer.innerText(), { timeout: 30_000 }).toMatch(/download .* MB, converted here to q8: about .* MB stored/);
    expect(await offer.innerText()).toMatch(/Licence: apache-2\.0/);
    expect(await offer.innerText()).toMatch(/Contacts only: huggingface\.co, \*\.huggingface\.co, \*\.hf\.co/);
    // Asking is all so far: the listing and config.json, no weights.
    expect(hub.requests.some((r) => r.path.includes('model.safetensors'))).toBe(false);
    await page.getByRole('button', { name: 'Download open-dcoder-0.5b from Hugging Face' }).click();
    await page.getByRole('progressbar', { name: 'Downloading open-dcoder-0.5b' }).waitFor();
    await expect.poll(() => statusOf('open-dcoder-0.5b'), { timeout: 120_000 }).toMatch(/^Cached and verified: q8/);
    expect(new Set(contacted)).toEqual(new Set([appOrigin, 'https://huggingface.co']));
    expect(cdnReads.length).toBeGreaterThan(0);
  }, 200_000);

  it('gets a diffusion checkpoint and the fallback export, and Generate with them on a real file gives a patch that git apply takes', async () => {
    for (const id of ['open-dcoder-0.5b', 'qwen2.5-coder-0.5b-instruct']) {
      await page.getByRole('button', { name: `Get ${id} from Hugging Face` }).click();
      const offer = page.getByRole('group', { name: `Get ${id} from Hugging Face` });
      await expect.poll(() => offer.innerText(), { timeout: 30_000 }).toMatch(id === 'open-dcoder-0.5b' ? /converted here to q8/ : /stored as it is \(q8\)/);
      await page.getByRole('button', { name: `Download ${id} from Hugging Face` }).click();
      await expect.poll(() => statusOf(id), { timeout: 120_000 }).toMatch(/^Cached and verified: q8/);
      await page.getByRole('button', { name: `Use ${id}` }).click();
    }
    expect(await row('open-dcoder-0.5b').innerText()).toContain('Generate uses this model');
    expect(await row('qwen2.5-coder-0.5b-instruct').innerText()).toContain('Generate falls back to this model');

    await page.getByLabel('Open file').setInputFiles(REAL_FILE);
    await page.getByRole('checkbox', { name: 'URL.join', exact: true }).check();
    await page.getByLabel('Prompt').fill('make it iterative');
    await page.getByLabel('Steps').fill('2');
    await page.getByText('Advanced settings', { exact: true }).click();
    await page.getByLabel('Remask rounds').fill('0');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
    const bar = await page.locator('.result-bar').innerText();
    expect(bar).toContain('open-dcoder-0.5b q8 on');
    // The tiny checkpoint's random weights do not write valid Python (seed 0): the fallback export rewrites the span, and the panel says so.
    expect(bar).toMatch(/\nfallback\n/);
    await page.getByText(/: why$/).click();
    const details = await page.locator('.verdict-details').innerText();
    expect(details).toMatch(/The fallback qwen2\.5-coder-0\.5b-instruct \(q8\) rewrote URL\.join \(\d+ of \d+ tokens, stopped by/);
    expect(details).toMatch(/The model saw (the whole file|\d+ of 641 lines): \d+ tokens of a \d+-token budget set by/);
    expect(details).toContain('the fallback model wrote code: 0.10');

    await applyDownloadedPatch(page, { '_urls.py': readFileSync(REAL_FILE, 'utf8') }, 'check');
  }, 400_000);

  it('resumes after the tab closes mid-conversion, without fetching the weights a second time', async () => {
    const from = hub.requests.length;
    const weightReads = () => hub.requests.slice(from).filter((r) => r.server === 'hub' && /\/resolve\/.*\.safetensors$/.test(r.path)).length;
    await page.getByRole('button', { name: 'Get open-dcoder-0.5b from Hugging Face' }).click();
    await page.getByRole('button', { name: 'Download open-dcoder-0.5b from Hugging Face' }).click({ timeout: 30_000 });
    await row('open-dcoder-0.5b')
      .getByText(/tensors; converting/)
      .waitFor({ timeout: 120_000 });
    await page.close();
    expect(weightReads()).toBe(1);

    page = await context.newPage();
    await page.goto(inject('baseUrl'));
    await page.getByLabel('Backend').selectOption('wasm');
    // Once the cache has been read the row says what is stored; clicking before that raced the
    // list's first render (CI once: the button moved under the click and then was replaced).
    await expect.poll(() => statusOf('open-dcoder-0.5b'), { timeout: 30_000 }).toMatch(/^Partly downloaded \(.+ stored\); Download resumes it$/);
    expect(await statusOf('open-dcoder-0.5b')).not.toMatch(/Cached and verified/);
    await page.getByRole('button', { name: 'Get open-dcoder-0.5b from Hugging Face' }).click();
    await page.getByRole('button', { name: 'Download open-dcoder-0.5b from Hugging Face' }).click({ timeout: 30_000 });
    await expect.poll(() => statusOf('open-dcoder-0.5b'), { timeout: 120_000 }).toMatch(/^Cached and verified: q8/);
    expect(weightReads()).toBe(1);
  }, 300_000);

  it('says a corrupted download is corrupted and leaves no model the engine would load', async () => {
    hub.faults.corrupt = new Set(['onnx/model_quantized.onnx']);
    await page.getByRole('button', { name: 'Get qwen2.5-coder-0.5b-instruct from Hugging Face' }).click();
    await page.getByRole('button', { name: 'Download qwen2.5-coder-0.5b-instruct from Hugging Face' }).click({ timeout: 30_000 });
    await expect.poll(() => row('qwen2.5-coder-0.5b-instruct').getByRole('alert').innerText(), { timeout: 120_000 }).toMatch(/does not match its sha256/);
    expect(await statusOf('qwen2.5-coder-0.5b-instruct')).not.toMatch(/Cached and verified/);
  }, 200_000);
});
