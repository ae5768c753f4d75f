import type { Page } from 'playwright-core';

/** Opens the settings panel's Advanced group (guidance, remask rounds, context tokens…), where it is closed. */
export async function openAdvancedSettings(page: Page): Promise<void> {
  if ((await page.locator('details.advanced').getAttribute('open')) === null) await page.getByText('Advanced settings', { exact: true }).click();
}
