import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { analyze, fixturePath } from '../tests/support/parser';
import { chooseTargets, differsOnlyInside, FIXTURES } from '../tests/support/realFixtures';
import { openAdvancedSettings } from './support/advancedSettings';
import { useChromium } from './support/browser';
import { applyDownloadedPatch } from './support/downloadedPatch';

/**
 * The app on real files, first, a middle and the last definition ticked, as the CLI test
 * (tests/cli/realFixturesPatch.test.ts) does for every fixture. `npm test` takes the long ones (about
 * 2,000 lines each); BUILDER_ALL_REAL_FILES=1 takes all 28, which is minutes more than CI has.
 */
const LONG = ['python/xcode_emulation.py', 'typescript/runtime.ts'];
const SAMPLE = process.env.BUILDER_ALL_REAL_FILES === '1' ? FIXTURES : LONG;
const browser = useChromium({ webgpu: false });

describe('the app patches real files on their first, a middle and their last definition', () => {
  it.each(SAMPLE)(
    '%s: the downloaded patch applies with git apply and changes the file only inside its targets',
    async (fixture) => {
      const path = fixturePath(`real/${fixture}`);
      const original = readFileSync(path, 'utf8');
      const analyzed = await analyze(original, basename(fixture));
      const chosen = chooseTargets(analyzed.outline);
      analyzed.parsed.delete();

      const context = await browser().newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      const page = await context.newPage();
      try {
        await page.goto(inject('baseUrl'));
        await page.getByTestId('source-editor').locator('.view-lines').waitFor();
        await page.getByLabel('Open file').setInputFiles(path);
        // The browser's outline numbers its checkboxes as Node's does: the same grammars, the same order.
        for (const index of chosen.indexes) await page.locator(`#target-${index}`).check();
        await page.getByLabel('Prompt').fill('handle bad input');
        // As the CLI test: random weights at a low strength keep most of each target, two steps, no guidance.
        await page.getByLabel('Autoregressive fallback').uncheck();
        await page.getByLabel('Steps').fill('2');
        await openAdvancedSettings(page);
        await page.getByLabel('Guidance (cfg)').fill('1');
        await page.getByLabel('Strength').fill('0.02');
        await page.getByLabel('Remask rounds').fill('0');
        await page.getByRole('button', { name: 'Generate' }).click();
        await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });

        const repo = await applyDownloadedPatch(page, { [basename(fixture)]: original });
        const patched = readFileSync(join(repo, basename(fixture)), 'utf8');
        expect(patched).not.toBe(original);
        expect(differsOnlyInside(original, patched, chosen.spans)).toBe(true);
      } finally {
        await context.close();
      }
    },
    200_000,
  );
});
