import type { Page } from 'playwright-core';

/**
 * Opens `source` as shapes.py, ticks `area` and sets the quickest settings the demo models allow
 * (WASM, no fallback, 2 steps), ready for Generate.
 */
export async function prepareQuickGeneration(page: Page, source: string): Promise<void> {
  await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(source) });
  await page.getByRole('checkbox', { name: 'area', exact: true }).check();
  await page.getByLabel('Prompt').fill('use math.pi');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('2');
}

/**
 * prepareQuickGeneration, then Generate. It does not wait for the result: a spec may race it
 * against something else, such as a page reload.
 */
export async function startQuickGeneration(page: Page, source: string): Promise<void> {
  await prepareQuickGeneration(page, source);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
}
