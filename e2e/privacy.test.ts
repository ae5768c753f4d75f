import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { contentSecurityPolicy } from '../src/core/contentSecurityPolicy';
import { useChromium } from './support/browser';
import { type RecordingProxy, startRecordingProxy } from './support/recordingProxy';

// Distinctive strings that exist only in the user's file and prompt: if any request carries them,
// the user's code left the page.
const CODE_MARKER = 'zq_private_7f3a9c';
const PROMPT_MARKER = 'zq_prompt_41be07';
const SOURCE = `def ${CODE_MARKER}(radius):\n    return 3.14159 * radius ** 2  # ${CODE_MARKER}\n\n\ndef double(x):\n    return 2 * x\n`;

const browser = useChromium();

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface Session {
  context: BrowserContext;
  page: Page;
  proxy: RecordingProxy;
  /** What Playwright reports, page and workers. */
  seen: Seen[];
  /** Content-Security-Policy violations: events in the page, and messages from the page and its workers. */
  violations: string[];
}

let session: Session;

beforeEach(async () => {
  const proxy = await startRecordingProxy();
  const context = await browser().newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, proxy: { server: proxy.server } });
  const seen: Seen[] = [];
  const violations: string[] = [];
  context.on('request', (request) => seen.push({ url: request.url(), headers: request.headers(), body: request.postDataBuffer()?.toString('latin1') ?? '' }));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`));
  });
  const page = await context.newPage();
  const onConsole = (message: { type(): string; text(): string }) => {
    if (/Content Security Policy|CSP violation/i.test(message.text())) violations.push(message.text());
  };
  page.on('console', onConsole);
  page.on('worker', (worker) => worker.on('console', onConsole));
  session = { context, page, proxy, seen, violations };
});

afterEach(async () => {
  await session.context.close();
  await session.proxy.close();
});

/** Every request the browser sent, as the proxy saw it and as Playwright reported it. */
function expectOnlyOwnOrigin(origin: string): void {
  const host = new URL(origin).host;
  const offProxy = session.proxy.requests.filter((r) => r.method === 'CONNECT' || new URL(r.url).host !== host);
  expect(offProxy.map((r) => r.url)).toEqual([]);
  const offPage = session.seen.filter(({ url }) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:') return false;
    if (parsed.protocol === 'blob:') return new URL(parsed.pathname).origin !== origin;
    return parsed.origin !== origin;
  });
  expect(offPage.map((r) => r.url)).toEqual([]);
}

function expectNoMarker(markers: readonly string[]): void {
  const carriers = [
    ...session.proxy.requests.map((r) => ({ url: r.url, text: `${r.url}\n${JSON.stringify(r.headers)}\n${r.body.toString('latin1')}` })),
    ...session.seen.map((r) => ({ url: r.url, text: `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}` })),
  ];
  for (const marker of markers)
    expect(
      carriers.filter((c) => c.text.includes(marker)).map((c) => c.url),
      marker,
    ).toEqual([]);
}

describe('privacy', () => {
  it('a full session talks to the page origin only, never sends the code or the prompt, and breaks no CSP rule', async () => {
    const { page } = session;
    const origin = new URL(inject('baseUrl')).origin;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    // The registry's demo model downloads from the site itself (no registry model has a remote
    // folder today), through the model manager's download worker, into the cache.
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    await expect
      .poll(async () => (await page.getByRole('listitem', { name: 'tiny-diffusion', exact: true }).locator('.model-status').allInnerTexts()).join(''), { timeout: 150_000 })
      .toMatch(/^Cached and verified/);
    await page.getByLabel('Open file').setInputFiles({ name: 'secret.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
    await page.getByRole('checkbox', { name: CODE_MARKER, exact: true }).check();
    await page.getByLabel('Prompt').fill(`make it faster ${PROMPT_MARKER}`);
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download patch' }).click();
    expect(readFileSync(await (await download).path(), 'utf8')).toContain(`-def ${CODE_MARKER}(radius):`);

    // The recorders saw the worker's traffic (the model and ORT's WASM), so silence is not blindness.
    for (const requests of [session.seen.map((r) => r.url), session.proxy.requests.map((r) => r.url)]) {
      expect(requests.some((url) => url.includes('/models/tiny-diffusion/manifest.json'))).toBe(true);
      expect(requests.some((url) => /\/wasm\/ort-wasm[^/]*\.wasm$/.test(url))).toBe(true);
    }
    expectOnlyOwnOrigin(origin);
    expectNoMarker([CODE_MARKER, PROMPT_MARKER]);
    expect(session.violations).toEqual([]);
  }, 400_000);

  it('the diagnostics page runs the demo model on WASM and WebGPU in a worker under the CSP', async () => {
    const { page } = session;
    await page.goto(new URL('diagnostics.html', inject('baseUrl')).href);
    await expect.poll(() => page.getByLabel('Status').textContent(), { timeout: 120_000 }).toBe('done');
    for (const backend of ['wasm', 'webgpu']) expect(await page.locator(`tr[data-backend="${backend}"]`).getAttribute('data-ok')).toBe('true');
    expectOnlyOwnOrigin(new URL(inject('baseUrl')).origin);
    expect(session.violations).toEqual([]);
  }, 180_000);

  it('the built pages carry the policy, and the policy blocks a request to another host', async () => {
    const { page } = session;
    await page.goto(inject('baseUrl'));
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toBe(contentSecurityPolicy());
    const outcome = await page.evaluate(() =>
      fetch('https://example.com/collect', { method: 'POST', body: 'x' }).then(
        () => 'sent',
        (error: Error) => error.name,
      ),
    );
    expect(outcome).toBe('TypeError');
    expect(session.violations.some((v) => v.includes('connect-src'))).toBe(true);
    expect(session.proxy.requests.filter((r) => r.url.includes('example.com'))).toEqual([]);
  });
});
