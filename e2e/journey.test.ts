import { describe, it } from 'vitest';
import { useChromium } from './support/browser';
import { runJourney, writeJourneyReport } from './support/journey';

// The WASM journey is e2e/journeyWasm.test.ts: this one runs alone (see vitest.config.ts), as
// WebGPU is emulated on the CPU here.
const browser = useChromium();

describe('the whole journey on a real open-source file', () => {
  it("opens gin's errors.go, ticks two targets, generates with webgpu (WebGPU), shows the diff, and downloads a patch that git apply --check takes", async () => {
    writeJourneyReport('app-report-webgpu', [await runJourney(browser(), 'webgpu')]);
  }, 300_000);
});
