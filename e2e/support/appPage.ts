import type { Page } from 'playwright-core';
import { afterEach, beforeEach, inject } from 'vitest';
import { useChromium } from './browser';

/**
 * A fresh page of the built app for each test, in its own browser context, once the source editor
 * has drawn its lines (the state a user starts from); the context is closed after the test.
 */
export function useAppPage(options: { webgpu?: boolean; width?: number; height?: number } = {}): () => Page {
  const browser = useChromium(options.webgpu === undefined ? {} : { webgpu: options.webgpu });
  let page: Page | undefined;
  beforeEach(async () => {
    const context = await browser().newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, acceptDownloads: true });
    page = await context.newPage();
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  });
  afterEach(async () => {
    await page?.context().close();
    page = undefined;
  });
  return () => {
    if (!page) throw new Error('The app page exists only inside a test');
    return page;
  };
}
