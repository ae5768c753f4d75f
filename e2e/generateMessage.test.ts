import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openAdvancedSettings } from './support/advancedSettings';
import { useChromium } from './support/browser';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
const browser = useChromium();

/** Layout rounds to fractions of a pixel: a box flush with the window's edge may end a fraction past it. */
const ROUNDING = 1;

/** Whether the element's whole box lies inside the page's viewport. */
async function insideViewport(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.width > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + ROUNDING && box.y + box.height <= viewport.height + ROUNDING;
}

describe('the message after Generate', () => {
  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
  ] as const) {
    it(`keeps every setting inside its column and shows a refused request inside the window at ${width}x${height}, by the button and in the editor pane, and takes the focus`, async () => {
      const context = await browser().newContext({ viewport: { width, height } });
      const page = await context.newPage();
      try {
        // q4, which every demo model folder holds (the refusal comes before any pass runs).
        await page.goto(new URL('?precision=q4', inject('baseUrl')).href);
        await page.getByTestId('source-editor').locator('.view-lines').waitFor();
        await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
        await page.getByRole('checkbox', { name: 'area', exact: true }).check();
        // A prompt of about 40 tokens: with the template and the target's masks, more than the budget below.
        await page
          .getByLabel('Prompt')
          .fill(
            'Use math.pi instead of the literal, check that the radius is a non-negative real number, raise a ValueError with a clear message otherwise, and add a docstring that explains the units.',
          );
        await page.getByLabel('Backend').selectOption('wasm');
        // Every setting can be read and changed where it is: no control runs past its column or the window.
        const overflowing = await page.locator('.generate-panel fieldset').evaluate((fieldset, viewportWidth) => {
          const column = fieldset.closest('.panel')!.getBoundingClientRect();
          const right = Math.min(column.right, viewportWidth);
          return [...fieldset.querySelectorAll('input, select')].filter((control) => control.getBoundingClientRect().right > right + 1).map((control) => control.getAttribute('aria-label'));
        }, width);
        expect(overflowing).toEqual([]);
        await page.getByLabel('Autoregressive fallback').uncheck();
        // A context budget the target cannot fit in: the engine refuses the request.
        await openAdvancedSettings(page);
        await page.getByLabel('Context tokens').fill('64');
        await page.getByRole('button', { name: 'Generate' }).click();
        const message = page.getByTestId('generation-message');
        await message.waitFor({ timeout: 120_000 });
        expect(await message.getAttribute('role')).toBe('alert');
        expect(await message.textContent()).toMatch(/targets alone need \d+ tokens with the prompt, but the context budget is 64 \(the contextTokens setting\)/);
        expect(await insideViewport(page, 'generation-message')).toBe(true);
        expect(await insideViewport(page, 'generation-message-by-button')).toBe(true);
        expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('generation-message');
        await page.screenshot({ path: `test-results/generate-message-${width}x${height}.png` });
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
