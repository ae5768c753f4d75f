import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type Plugin } from 'vite';
import { launchChromium } from './chromium';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE_TIMEOUT_MS = 60_000;

export interface BenchPageOptions {
  /** The page, from the checkout's root: `bench/browser.html`. */
  html: string;
  /** The global function the page defines once it is ready to be driven. */
  ready: string;
  /** Console lines that start with it are passed to `log`, without it. */
  logPrefix: string;
  log(line: string): void;
  plugins?: Plugin[];
  /** Dependencies the page imports late, for the optimiser to bundle before the run. */
  include?: string[];
}

export interface BenchPage {
  page: Page;
  origin: string;
  close(): Promise<void>;
}

/**
 * One of the bench pages in the system Chromium, from a Vite server of this checkout. The server
 * makes the page cross-origin isolated, so onnxruntime-web's WASM backend can use threads, and
 * finds the page's dependencies up front, so the optimiser does not reload it in the middle of a run.
 */
export async function openBenchPage(options: BenchPageOptions): Promise<BenchPage> {
  const server = await createServer({
    root: ROOT,
    logLevel: 'warn',
    plugins: options.plugins ?? [],
    server: { host: '127.0.0.1', port: 0, open: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    optimizeDeps: { entries: [options.html], include: options.include ?? [] },
  });
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the bench server has no port');
    const origin = `http://localhost:${address.port}`;
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith(options.logPrefix)) options.log(message.text().slice(options.logPrefix.length));
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/${options.html}`);
    await page
      .waitForFunction((name) => typeof (window as unknown as Record<string, unknown>)[name] === 'function', options.ready, { timeout: PAGE_TIMEOUT_MS })
      .catch((error: Error) => {
        throw new Error(`${options.html} did not start: ${pageErrors.join('; ') || error.message}`);
      });
    return { page, origin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
