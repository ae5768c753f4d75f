import { Buffer } from 'node:buffer';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAppPage } from './support/appPage';
import { savedEntry } from './support/savedEntry';

const FIXTURE = 'fixtures/real/python/default.py';
const appPage = useAppPage();
let page: Page;

beforeEach(() => {
  page = appPage();
});

async function openFixture(): Promise<void> {
  await page.getByLabel('Open file').setInputFiles(FIXTURE);
  await page.getByRole('checkbox', { name: 'HTTPTransport.handle_request', exact: true }).waitFor();
}

describe('targeting in the app', () => {
  it('opens a file, shows its outline, and highlights two ticked targets in the editor', async () => {
    await openFixture();
    await page.getByRole('checkbox', { name: 'map_httpcore_exceptions', exact: true }).check();
    await page.getByRole('checkbox', { name: 'HTTPTransport.handle_request', exact: true }).check();

    const spans = page.getByRole('list', { name: 'Masked spans' }).getByRole('listitem');
    await expect.poll(() => spans.allTextContents()).toEqual([expect.stringContaining('map_httpcore_exceptions lines 95–118'), expect.stringContaining('HTTPTransport.handle_request lines 230–259')]);

    for (const target of ['map_httpcore_exceptions', 'HTTPTransport.handle_request']) {
      await page.getByRole('button', { name: `Go to ${target}`, exact: true }).click();
      await expect.poll(() => page.locator('.masked-span').count()).toBeGreaterThan(0);
    }
    const maskedLines = (await page.locator('.view-line:has(.masked-text)').allTextContents()).map((line) => line.replace(/\u00a0/g, ' '));
    expect(maskedLines.some((line) => line.includes('def handle_request('))).toBe(true);
    const unmaskedLines = (await page.locator('.view-line:not(:has(.masked-text))').allTextContents()).map((line) => line.replace(/\u00a0/g, ' '));
    expect(unmaskedLines.some((line) => line.includes('def __exit__('))).toBe(true);
    await page.screenshot({ path: 'test-results/targeting.png' });
  });

  it('keeps the editor content and the ticked targets across a reload', async () => {
    await openFixture();
    await page.getByRole('checkbox', { name: 'ResponseStream.close', exact: true }).check();
    expect(JSON.parse((await savedEntry(page, 'builder-state'))!).state.checked).toContain('ResponseStream.close');
    await page.reload();
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    await expect.poll(() => page.getByRole('checkbox', { name: 'ResponseStream.close', exact: true }).isChecked()).toBe(true);
    expect(await page.getByText('default.py').first().isVisible()).toBe(true);
  });

  it('refuses a binary file with a clear message and keeps the code it had', async () => {
    await openFixture();
    await page.getByLabel('Open file').setInputFiles({ name: 'image.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]) });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('image.png looks binary');
    expect(await page.getByRole('checkbox', { name: 'HTTPTransport.handle_request', exact: true }).count()).toBe(1);
  });

  it('refuses an empty file and a 5 MB file, keeping the code it had', async () => {
    await openFixture();
    await page.getByLabel('Open file').setInputFiles({ name: 'empty.py', mimeType: 'text/x-python', buffer: Buffer.alloc(0) });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('empty.py is empty');
    const huge = Buffer.from('x = 1\n'.repeat(900_000));
    await page.getByLabel('Open file').setInputFiles({ name: 'huge.py', mimeType: 'text/x-python', buffer: huge });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('huge.py is 5.1 MB; Builder edits files up to 2.0 MB');
    expect(await page.getByRole('checkbox', { name: 'HTTPTransport.handle_request', exact: true }).count()).toBe(1);
  });

  it('opens a file dropped onto the page', async () => {
    const source = 'package main\n\nfunc (s *Server) Start() error {\n\treturn nil\n}\n';
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'server.go', { type: 'text/x-go' }));
      return transfer;
    }, source);
    await page.getByTestId('source-editor').dispatchEvent('drop', { dataTransfer });
    await page.getByRole('checkbox', { name: 'Server.Start', exact: true }).waitFor();
    expect(await page.getByText('server.go').first().isVisible()).toBe(true);
  });

  it('ticks the definition around the cursor', async () => {
    await openFixture();
    await page.getByRole('button', { name: 'Go to ResponseStream.__iter__', exact: true }).click();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: 'Tick at cursor' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'ResponseStream.__iter__', exact: true }).isChecked()).toBe(true);
  });

  it('says when the code does not parse in the chosen language, and keeps it', async () => {
    await openFixture();
    await page.getByLabel('Language').selectOption('rust');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('does not parse as Rust');
    await page.getByLabel('Language').selectOption('');
    await page.getByRole('checkbox', { name: 'HTTPTransport.handle_request', exact: true }).waitFor();
  });

  it('has WebGPU in this headless Chromium (SwiftShader), for the model work', async () => {
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu ? (await gpu.requestAdapter()) !== null : false;
    });
    expect(adapter).toBe(true);
  });
});
