import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
const PLANS = [
  { filePath: 'src/shapes.py', editTargets: ['double'], intent: 'use a shift', priority: 1 },
  { filePath: 'src/shapes.py', editTargets: ['area'], intent: 'use math.pi', priority: 5 },
  { filePath: 'src/other.py', editTargets: ['main'], intent: 'anything' },
];
const browser = useChromium();
let page: Page;

beforeAll(async () => {
  page = await (await browser().newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('2');
});

afterAll(() => page.context().close());

describe('importing a plans file in the app', () => {
  it('names what is wrong with a malformed plans file and runs nothing', async () => {
    await page.getByLabel('Import plans').setInputFiles({ name: 'plans.json', mimeType: 'application/json', buffer: Buffer.from('[{"filePath": "shapes.py"}]') });
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .filter({ hasText: /plans\.json.*editTargets/ })
          .count(),
      )
      .toBe(1);
    expect(await page.getByLabel('Batch results').count()).toBe(0);
  });

  it('runs one patch per plan in priority order, with a clear failure for a plan on another file', async () => {
    await page.getByLabel('Import plans').setInputFiles({ name: 'plans.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(PLANS)) });
    const results = page.getByLabel('Batch results');
    await results.waitFor({ timeout: 180_000 });
    const rows = await results.locator('li').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^area/);
    expect(rows[1]).toMatch(/^double/);
    expect(rows[2]).toMatch(/src\/other\.py: failed: src\/other\.py is not the file open in the editor/);
    // The first plan that ran is shown; another row opens its own diff.
    await page.getByTestId('diff-view').locator('.editor.modified').waitFor();
    await results.getByRole('button', { name: 'double' }).click();
    await expect.poll(() => results.locator('li.shown').innerText()).toMatch(/^double/);
  }, 240_000);
});
