import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { expect, inject } from 'vitest';
import { applyDownloadedPatch } from './downloadedPatch';

/** The real file the journeys open: gin's errors.go. */
export const JOURNEY_FILE = 'fixtures/real/go/errors.go';

/**
 * The whole journey on errors.go in a browser without WebGPU: open it, tick two targets, Generate
 * (Auto, so WASM), watch the progress, see the diff, download a patch that git apply --check takes,
 * and find the file, ticks and settings again after a reload. Returns what it measured, for
 * test-results. Generating on WebGPU in the app, and the patch of that run, is
 * e2e/modelBackends.test.ts's: this machine's WebGPU is SwiftShader, emulated on the CPU, where a
 * whole pass over errors.go takes half a minute.
 */
export async function runJourney(chromium: Browser): Promise<Record<string, unknown>> {
  const backend = 'wasm';
  const context = await chromium.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  // Long tasks on the main thread, from the page's first moment.
  await page.addInitScript(() => {
    const seen: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof seen }).longTasks = seen;
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => seen.push({ start: entry.startTime, duration: entry.duration }))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  await page.getByLabel('Open file').setInputFiles(JOURNEY_FILE);
  await page.getByRole('checkbox', { name: 'Error.IsType', exact: true }).check();
  await page.getByRole('checkbox', { name: 'errorMsgs.Last', exact: true }).check();
  await page.getByLabel('Prompt').fill('use early returns');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('3');
  await page.screenshot({ path: `test-results/journey-${backend}-1-targets.png` });

  // When the result panel enters the page, by the page's clock, from inside the task that renders it.
  const generateAt = await page.evaluate(() => {
    const marks = window as unknown as { resultShownAt?: number };
    const observer = new MutationObserver(() => {
      if (marks.resultShownAt === undefined && document.querySelector('.result-panel')) marks.resultShownAt = performance.now();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return performance.now();
  });
  const started = Date.now();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByLabel('Generation progress').waitFor({ timeout: 150_000 });
  const firstStepMs = Date.now() - started;
  await page.screenshot({ path: `test-results/journey-${backend}-2-progress.png` });
  await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
  const endToEndMs = Date.now() - started;
  // The result is drawn, and the page is idle again: the tasks drawing it have ended and been observed.
  await page.getByTestId('diff-view').locator('.editor.modified').waitFor();
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
  const { tasks, resultAt } = await page.evaluate(() => ({
    tasks: (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks,
    resultAt: (window as unknown as { resultShownAt: number }).resultShownAt,
  }));
  // A task that ends after the result panel entered the page is drawing the result (React, then Monaco's diff editor), not generating.
  const during = tasks.filter((task) => task.start >= generateAt && task.start + task.duration < resultAt).map((task) => task.duration);
  const showingResult = tasks.filter((task) => task.start + task.duration >= resultAt).map((task) => task.duration);
  await page.screenshot({ path: `test-results/journey-${backend}-3-diff.png` });

  await applyDownloadedPatch(page, { 'errors.go': readFileSync(JOURNEY_FILE, 'utf8') }, 'check');
  const verdict = await page.locator('.result-bar').innerText();
  expect(verdict).toContain('on WASM');
  await page.getByText('WebGPU gave no adapter, so the model runs on WASM (CPU), which is slower.').first().waitFor();
  const entry = {
    backend,
    firstStepMs,
    endToEndMs,
    longTasksDuringGeneration: during.length,
    longestTaskMs: Math.round(Math.max(0, ...during)),
    longTasksDrawingTheResult: showingResult.map(Math.round),
    verdict: verdict.split('\n')[0],
  };

  // A reload keeps the file, the ticks and the settings.
  await page.reload();
  // The result comes back too, and the review keeps the stage: the editor waits under it.
  await page.getByTestId('source-editor').locator('.view-lines').waitFor({ state: 'attached' });
  expect(await page.locator('.file-name').innerText()).toBe('errors.go');
  expect(await page.getByRole('checkbox', { name: 'Error.IsType', exact: true }).isChecked()).toBe(true);
  expect(await page.getByLabel('Steps').inputValue()).toBe('3');
  expect(await page.getByLabel('Autoregressive fallback').isChecked()).toBe(false);
  await context.close();
  return entry;
}

/** Writes what the journeys of one spec measured to test-results/NAME.json. */
export function writeJourneyReport(name: string, entries: readonly Record<string, unknown>[]): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/${name}.json`, `${JSON.stringify(entries, null, 2)}\n`);
}
