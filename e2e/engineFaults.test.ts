import type { Page, Worker } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
const browser = useChromium();
let page: Page;
let engineWorker: Promise<Worker>;

/** Monaco draws spaces as no-break spaces. */
const editorText = async () => (await page.getByTestId('source-editor').locator('.view-line').allInnerTexts()).map((line) => line.replace(/\u00a0/g, ' ')).join('\n');

beforeEach(async () => {
  const context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  engineWorker = new Promise((resolve) => page.on('worker', (worker) => worker.url().includes('engine.worker') && resolve(worker)));
  await page.goto(inject('baseUrl'));
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
  await page.getByLabel('Autoregressive fallback').uncheck();
});

// The engine worker is watched from before the page loads, so these tests open their page themselves.
afterEach(() => page.context().close());

describe('engine faults in the app', () => {
  it('a worker that crashes mid-generation fails the run with a clear message, keeps the code, and the next Generate works', async () => {
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Steps').fill('200');
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Prompt').fill('use math.pi');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByLabel('Generation progress').waitFor({ timeout: 120_000 });
    const before = await editorText();
    // An exception nothing catches is what a bug in the worker looks like to the page.
    await (await engineWorker).evaluate(() =>
      setTimeout(() => {
        throw new Error('injected crash');
      }),
    );
    await expect
      .poll(
        () =>
          page
            .getByTestId('generation-message')
            .getByText(/The engine stopped: .*injected crash.*Your code and earlier results are kept/)
            .count(),
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await editorText()).toBe(before);
    expect(await page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
  }, 240_000);

  it('a lost GPU device mid-generation gets a fresh worker and one run on WASM, said in the page and the provenance', async () => {
    await page.getByLabel('Backend').selectOption('webgpu');
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Prompt').fill('use math.pi');
    await page.getByRole('button', { name: 'Generate' }).click();
    const worker = await engineWorker;
    // Keeps the device onnxruntime-web asks for, then destroys it once a session holds it: a real device loss.
    await worker.evaluate(() => {
      const scope = self as unknown as { lostDevice?: { destroy(): void } };
      const adapterProto = (self as unknown as { GPUAdapter: { prototype: { requestDevice(...args: unknown[]): Promise<{ destroy(): void }> } } }).GPUAdapter.prototype;
      const requestDevice = adapterProto.requestDevice;
      adapterProto.requestDevice = async function (...args: unknown[]) {
        const device = await requestDevice.apply(this, args);
        scope.lostDevice = device;
        return device;
      };
    });
    await worker.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const scope = self as unknown as { lostDevice?: { destroy(): void } };
          const poll = setInterval(() => {
            if (!scope.lostDevice) return;
            clearInterval(poll);
            scope.lostDevice.destroy();
            resolve();
          }, 20);
        }),
    );
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 180_000 });
    expect(
      await page
        .getByLabel('Result')
        .getByText(/on WASM: the GPU failed/)
        .count(),
    ).toBe(1);
    await expect.poll(() => page.getByText(/The GPU failed \(device lost.*ran again on WASM/).count()).toBeGreaterThan(0);
  }, 300_000);
});
