import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createLogger, createServer, type Logger, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser';
import { startQuickGeneration } from './support/quickGeneration';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n';
// What Vite logs when it finds a dependency only once the app is running, before it reloads the page.
const LATE_DISCOVERY = /dependencies optimized|optimized dependencies changed|reloading/i;

const browser = useChromium();
const cacheDir = mkdtempSync(join(tmpdir(), 'builder-vite-cache-'));
const logged: string[] = [];
let server: ViteDevServer;
let origin: string;

/** Vite's own logger, keeping a copy of every line it prints. */
function recordingLogger(): Logger {
  const logger = createLogger('info');
  return {
    ...logger,
    info: (message, options) => {
      logged.push(message);
      logger.info(message, options);
    },
    warn: (message, options) => {
      logged.push(message);
      logger.warn(message, options);
    },
  };
}

beforeAll(async () => {
  // `npm start` on a fresh clone: the project's vite.config.ts, an empty dependency optimiser cache.
  server = await createServer({ cacheDir, customLogger: recordingLogger(), server: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the dev server has no port');
  origin = `http://localhost:${address.port}/`;
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('npm start on a fresh clone', () => {
  it('runs the first Generate to a result without the dependency optimiser reloading the page', async () => {
    const page: Page = await (await browser().newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(origin, { timeout: 120_000 });
    // From here on, any navigation of the page is a reload.
    const reloaded = new Promise<'reloaded'>((resolve) => {
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) resolve('reloaded');
      });
    });
    await page.getByTestId('source-editor').locator('.view-lines').waitFor({ timeout: 120_000 });
    await startQuickGeneration(page, SOURCE);
    const result = page
      .getByRole('button', { name: 'Download patch' })
      .waitFor({ timeout: 180_000 })
      .then(
        () => 'result' as const,
        () => 'no result' as const,
      );
    expect(await Promise.race([result, reloaded]), logged.join('')).toBe('result');
    await page.getByTestId('diff-view').locator('.editor.modified').waitFor();
    expect(logged.filter((line) => LATE_DISCOVERY.test(line))).toEqual([]);
  }, 300_000);
});
