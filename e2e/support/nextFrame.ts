import type { Page } from 'playwright-core';

/** Waits until the page has drawn a frame after the input it was given: what the user sees next. */
export function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}
