import { type BrowserServer, chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { chromiumLaunchOptions } from '../../src/measure/chromium';

/** Where the e2e specs connect to the shared Chromiums: one with WebGPU (SwiftShader here), one whose WebGPU gives no adapter. */
export interface ChromiumEndpoints {
  webgpu: string;
  withoutWebGpu: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumEndpoints: ChromiumEndpoints;
  }
}

interface Shared {
  servers: Promise<BrowserServer[]>;
  users: number;
}

/**
 * Vitest runs a project's global setup once per project in the same process, and the WebGPU specs
 * are a project of their own: the launched browsers are kept on the process so that both projects
 * share them, and closed when the last project is done.
 */
const SHARED = Symbol.for('builder.e2e.sharedChromium');
const processGlobals = globalThis as typeof globalThis & { [SHARED]?: Shared };

/**
 * Launches the two Chromiums every e2e spec shares, once for the whole run: each spec connects to
 * one (e2e/support/browser.ts) and works in browser contexts of its own, where launching one
 * Chromium per spec file cost each file a second or two of both cores.
 */
export default async function shareChromium(project: TestProject) {
  let shared = processGlobals[SHARED];
  if (!shared) {
    const launch = (webgpu: boolean) => chromium.launchServer(chromiumLaunchOptions({ webgpu }));
    shared = { servers: Promise.all([launch(true), launch(false)]), users: 0 };
    processGlobals[SHARED] = shared;
  }
  shared.users += 1;
  const [webgpu, withoutWebGpu] = await shared.servers;
  project.provide('chromiumEndpoints', { webgpu: webgpu!.wsEndpoint(), withoutWebGpu: withoutWebGpu!.wsEndpoint() });
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete processGlobals[SHARED];
    await Promise.all([webgpu!.close(), withoutWebGpu!.close()]);
  };
}
