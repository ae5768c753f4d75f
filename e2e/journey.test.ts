import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';
import { applyDownloadedPatch } from './support/downloadedPatch';

const FILE = 'fixtures/real/go/errors.go';
const browser = useChromium();
// WebGPU disabled as a browser without it has it: navigator.gpu gives no adapter.
const browserWithoutWebGpu = useChromium({ webgpu: false });
const report: Record<string, unknown>[] = [];

// On WebGPU this machine has SwiftShader, a GPU emulated on the CPU, where a shader with workgroup
// barriers (softmax, top-k, the 4-bit head) runs thousands of times slower than on a GPU: a whole
// pass over errors.go takes half a minute and each remask round repeats the steps. So the WebGPU
// journey keeps the context to 512 tokens and skips the remask rounds (about a minute here, against
// over three with the demo preset's 4,096 tokens and two rounds); the WASM one runs the preset's.
describe('the whole journey on a real open-source file', () => {
  it.each([
    ['webgpu', 'WebGPU', browser],
    ['wasm', 'WebGPU disabled, so WASM', browserWithoutWebGpu],
  ] as const)(
    "opens gin's errors.go, ticks two targets, generates with %s (%s), shows the diff, and downloads a patch that git apply --check takes",
    async (backend, _, chromium) => {
      const context = await chromium().newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      const page = await context.newPage();
      // Long tasks on the main thread, from the page's first moment.
      await page.addInitScript(() => {
        const seen: { start: number; duration: number }[] = [];
        (window as unknown as { longTasks: typeof seen }).longTasks = seen;
        new PerformanceObserver((list) => list.getEntries().forEach((entry) => seen.push({ start: entry.startTime, duration: entry.duration }))).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(inject('baseUrl'));
      await page.getByTestId('source-editor').locator('.view-lines').waitFor();
      await page.getByLabel('Open file').setInputFiles(FILE);
      await page.getByRole('checkbox', { name: 'Error.IsType', exact: true }).check();
      await page.getByRole('checkbox', { name: 'errorMsgs.Last', exact: true }).check();
      await page.getByLabel('Prompt').fill('use early returns');
      // The backend stays "auto": the page picks WebGPU where it has an adapter, WASM where not.
      await page.getByLabel('Autoregressive fallback').uncheck();
      await page.getByLabel('Steps').fill('3');
      if (backend === 'webgpu') {
        await page.getByLabel('Context tokens').fill('512');
        await page.getByLabel('Remask rounds').fill('0');
      }
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
      await page.getByRole('button', { name: 'Generate' }).click();
      await page.getByLabel('Generation progress').waitFor({ timeout: 150_000 });
      const firstStepMs = Date.now() - started;
      await page.screenshot({ path: `test-results/journey-${backend}-2-progress.png` });
      await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
      const endToEndMs = Date.now() - started;
      await page.waitForTimeout(2000);
      const { tasks, resultAt } = await page.evaluate(() => ({
        tasks: (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks,
        resultAt: (window as unknown as { resultShownAt: number }).resultShownAt,
      }));
      // A task that ends after the result panel entered the page is drawing the result (React, then Monaco's diff editor), not generating.
      const during = tasks.filter((task) => task.start >= generateAt && task.start + task.duration < resultAt).map((task) => task.duration);
      const showingResult = tasks.filter((task) => task.start + task.duration >= resultAt).map((task) => task.duration);
      await page.getByTestId('diff-view').locator('.editor.modified').waitFor();
      await page.screenshot({ path: `test-results/journey-${backend}-3-diff.png` });

      await applyDownloadedPatch(page, { 'errors.go': readFileSync(FILE, 'utf8') }, 'check');
      const verdict = await page.locator('.result-bar').innerText();
      expect(verdict).toContain(backend === 'wasm' ? 'on WASM' : 'on WebGPU');
      if (backend === 'wasm') await page.getByText('WebGPU gave no adapter, so the model runs on WASM (CPU), which is slower.').first().waitFor();
      report.push({
        backend,
        firstStepMs,
        endToEndMs,
        longTasksDuringGeneration: during.length,
        longestTaskMs: Math.round(Math.max(0, ...during)),
        longTasksDrawingTheResult: showingResult.map(Math.round),
        verdict: verdict.split('\n')[0],
      });
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/app-report.json', `${JSON.stringify(report, null, 2)}\n`);

      // A reload keeps the file, the ticks and the settings.
      await page.reload();
      await page.getByTestId('source-editor').locator('.view-lines').waitFor();
      expect(await page.locator('.file-name').innerText()).toBe('errors.go');
      expect(await page.getByRole('checkbox', { name: 'Error.IsType', exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel('Steps').inputValue()).toBe('3');
      expect(await page.getByLabel('Autoregressive fallback').isChecked()).toBe(false);
      await context.close();
    },
    300_000,
  );

  it('pays model loading before Generate when the warm-up has run, and says how long it took', async () => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    await page.getByLabel('Open file').setInputFiles(FILE);
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('3');
    await page.getByRole('checkbox', { name: 'Error.IsType', exact: true }).check();
    await page.getByLabel('Prompt').fill('use early returns');
    await page
      .getByLabel('Runtime')
      .getByText(/warmed up in/)
      .waitFor({ timeout: 150_000 });
    const warmUp = await page.getByLabel('Runtime').innerText();
    const started = Date.now();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByLabel('Generation progress').waitFor({ timeout: 150_000 });
    const firstStepMs = Date.now() - started;
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
    report.push({ backend: 'wasm', afterWarmUp: true, warmUp, firstStepMs, endToEndMs: Date.now() - started });
    writeFileSync('test-results/app-report.json', `${JSON.stringify(report, null, 2)}\n`);
    expect(warmUp).toMatch(/^Runs on WASM: chosen in the settings, q8 · warmed up in [\d.]+ s$/);
    await context.close();
  }, 300_000);
});
