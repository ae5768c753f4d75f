import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAppPage } from './support/appPage';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
const appPage = useAppPage();
let page: Page;

beforeEach(async () => {
  page = appPage();
  await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
});

const estimate = () => page.getByRole('note', { name: 'Estimate' });
const estimateText = async () => ((await estimate().count()) === 1 ? await estimate().innerText() : null);

describe('the estimate next to Generate', () => {
  it('counts the forward passes of the ticked targets before Generate, follows the steps, and gives a time once a run has measured a pass', async () => {
    expect(await estimate().count()).toBe(0);
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Steps').fill('3');
    await expect.poll(estimateText).toMatch(/^About 3 forward passes \(3 steps/);
    expect(await estimateText()).toContain('the time shows once a run on this backend has been measured');
    await page.getByLabel('Steps').fill('40');
    await expect.poll(estimateText).toMatch(/^About 40 forward passes \(40 steps/);

    // Steps 0: one per mask with the demo model's sampler (Builder's own), so ticking a second target adds passes.
    await page.getByLabel('Steps').fill('0');
    await expect.poll(estimateText).toMatch(/^About \d+ forward passes/);
    const oneTarget = Number((await estimateText())!.match(/^About (\d+)/)![1]);
    await page.getByRole('checkbox', { name: 'double', exact: true }).check();
    await expect.poll(async () => Number((await estimateText())?.match(/^About (\d+)/)?.[1])).toBeGreaterThan(oneTarget);
    await page.getByRole('checkbox', { name: 'double', exact: true }).uncheck();

    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 300_000 });
    await page.getByLabel('Steps').fill('30');
    await expect.poll(estimateText).toMatch(/^About 30 forward passes \(30 steps.*· about [\d.]+ (ms|s|min) on WASM, q8, from the last run's time per pass/);
  }, 420_000);
});
