import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

/**
 * The run's shared Chromium (e2e/support/sharedChromium.ts) for the spec file that calls this,
 * connected before its tests; `webgpu: false` gives the one without WebGPU. Closing the connection
 * after the file's tests closes every context the file opened, not the browser.
 */
export function useChromium(options: { webgpu?: boolean } = {}): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const endpoints = inject('chromiumEndpoints');
    browser = await chromium.connect(options.webgpu === false ? endpoints.withoutWebGpu : endpoints.webgpu);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not connected yet');
    return browser;
  };
}
