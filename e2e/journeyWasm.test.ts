import { describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';
import { JOURNEY_FILE, runJourney, writeJourneyReport } from './support/journey';

// WebGPU disabled as a browser without it has it: navigator.gpu gives no adapter.
const browserWithoutWebGpu = useChromium({ webgpu: false });
const report: Record<string, unknown>[] = [];

describe('the whole journey on a real open-source file, without WebGPU', () => {
  it("opens gin's errors.go, ticks two targets, generates with wasm (WebGPU disabled, so WASM), shows the diff, and downloads a patch that git apply --check takes", async () => {
    report.push(await runJourney(browserWithoutWebGpu()));
    writeJourneyReport('app-report-wasm', report);
  }, 300_000);

  it('pays model loading before Generate when the warm-up has run, and says how long it took', async () => {
    const context = await browserWithoutWebGpu().newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    await page.getByLabel('Open file').setInputFiles(JOURNEY_FILE);
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
    writeJourneyReport('app-report-wasm', report);
    expect(warmUp).toMatch(/^Runs on WASM: chosen in the settings, q8 · warmed up in [\d.]+ s$/);
    await context.close();
  }, 300_000);
});
