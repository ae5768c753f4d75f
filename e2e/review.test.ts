import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAppPage } from './support/appPage';
import { applyDownloadedPatch } from './support/downloadedPatch';
import { nextFrame } from './support/nextFrame';

// Two targets with seven unchanged lines between them: the demo model's noise in each makes two hunks.
const SOURCE = ['def area(radius):', '    return 3.14159 * radius ** 2', '', '', 'UNITS = "metres"', 'SCALE = 1', 'OFFSET = 0', 'LIMIT = 10', '', '', 'def double(x):', '    return 2 * x', ''].join(
  '\n',
);
const OTHER = 'def triple(x):\n    return 3 * x\n';

const appPage = useAppPage({ webgpu: false });
let page: Page;
beforeEach(() => {
  page = appPage();
});

async function openSource(name: string, text: string): Promise<void> {
  await page.getByLabel('Open file').setInputFiles({ name, mimeType: 'text/x-python', buffer: Buffer.from(text) });
}

/** The quickest demo run (WASM, 2 steps, no fallback) on shapes.py with both functions ticked, up to its result. */
async function generateTwoTargets(): Promise<void> {
  await openSource('shapes.py', SOURCE);
  await page.getByRole('checkbox', { name: 'area', exact: true }).check();
  await page.getByRole('checkbox', { name: 'double', exact: true }).check();
  await page.getByLabel('Prompt').fill('use math.pi');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('2');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
  await page.getByTestId('diff-view').locator('.editor.modified .view-lines').waitFor();
}

/** The source editor's lines as the user sees them (Monaco draws spaces as no-break spaces). */
const editorLines = async () => (await page.getByTestId('source-editor').locator('.view-line').allInnerTexts()).map((line) => line.replace(/\u00a0/g, ' '));

/** The diff's height as a share of the window's, and whether the page itself can scroll. */
async function layout(): Promise<{ diffShare: number; pageScrolls: boolean }> {
  const box = await page.getByTestId('diff-view').boundingBox();
  return page.evaluate((height) => {
    const root = document.scrollingElement!;
    return { diffShare: height / innerHeight, pageScrolls: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth };
  }, box?.height ?? 0);
}

describe('reviewing a result', () => {
  it('takes the stage, asks before an unsafe change is taken, and writes only the hunks accepted', async () => {
    await generateTwoTargets();
    // Review mode: the diff replaces the editor, over most of the window, and the page does not scroll.
    expect(await page.getByTestId('source-editor').isVisible()).toBe(false);
    for (const [width, height] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      await expect.poll(async () => (await layout()).diffShare, { message: `diff share at ${width}x${height}` }).toBeGreaterThanOrEqual(0.5);
      expect((await layout()).pageScrolls, `page scrolls at ${width}x${height}`).toBe(false);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    const accepts = page.getByRole('button', { name: /^Accept change \d+$/ });
    const hunks = await accepts.count();
    expect(hunks).toBeGreaterThanOrEqual(2);
    // "Why" opens over the diff without moving it, its problems link to their lines in the diff.
    const diffBox = await page.getByTestId('diff-view').boundingBox();
    await page.getByRole('button', { name: 'Not safe to apply: why' }).click();
    const why = page.getByRole('region', { name: 'Why' });
    await why.waitFor();
    expect(await page.getByTestId('diff-view').boundingBox()).toEqual(diffBox);
    expect(await why.getByRole('button', { name: /^show line \d+$/ }).count()).toBeGreaterThan(0);
    await why
      .getByRole('button', { name: /^show line \d+$/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Close why' }).click();

    // Next change by the keyboard in the diff, as in VS Code (Alt+F5), and by the button.
    await expect.poll(() => page.getByText(/^Change 1 of \d+/).count()).toBe(1);
    await page.getByTestId('diff-view').locator('.editor.modified .view-lines').click();
    await page.keyboard.press('Alt+F5');
    await expect.poll(() => page.getByText(/^Change 2 of \d+/).count()).toBe(1);
    await page.getByRole('button', { name: 'Previous change' }).click();
    await expect.poll(() => page.getByText(/^Change 1 of \d+/).count()).toBe(1);

    // The demo model's noise is not safe: applying asks, names why, and Cancel leaves the file as it was.
    await page.getByRole('button', { name: 'Apply to editor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Not safe to apply' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('random');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Download patch' }).isVisible()).toBe(true);

    // Accepting asks too; then the first hunk is kept and every other one rejected.
    await page.getByRole('button', { name: 'Accept change 1', exact: true }).click();
    await dialog.getByRole('button', { name: 'Accept anyway' }).click();
    for (let i = 2; i <= hunks; i++) await page.getByRole('button', { name: `Reject change ${i}`, exact: true }).click();
    expect(await page.getByText(`1 accepted, ${hunks - 1} rejected, 0 to review`).count()).toBe(1);

    const repo = await applyDownloadedPatch(page, { 'shapes.py': SOURCE });
    const patch = readFileSync(join(repo, 'change.patch'), 'utf8');
    expect(patch.match(/^@@ /gm)).toHaveLength(1);
    const patched = readFileSync(join(repo, 'shapes.py'), 'utf8');
    expect(patched).not.toBe(SOURCE);
    // The rejected hunks are the original's lines, untouched.
    expect(patched.endsWith('def double(x):\n    return 2 * x\n')).toBe(true);

    // With every change rejected there is nothing to download, and the panel says so instead of saving an empty patch.
    await page.getByRole('button', { name: 'Reject change 1', exact: true }).click();
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByRole('button', { name: 'Download patch' }).click();
    await page.getByText('Nothing to download: every change is rejected.').waitFor();
    expect(downloads).toBe(0);

    // Discard (Esc) gives the editor back, with the file as it was: nothing applied.
    await page.getByTestId('diff-view').click();
    await page.keyboard.press('Escape');
    await page.getByTestId('source-editor').waitFor({ state: 'visible' });
    // Monaco draws the lines after the editor shows: read them once it has.
    await expect.poll(editorLines).toContain('    return 3.14159 * radius ** 2');
  }, 240_000);

  it('never applies a result to another file: opening one sets the result aside, and it comes back with its file', async () => {
    await generateTwoTargets();
    await openSource('other.py', OTHER);
    await expect.poll(() => page.getByRole('button', { name: 'Apply to editor' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download patch' }).count()).toBe(0);
    expect(await page.getByLabel('Earlier results').count()).toBe(0);
    await expect.poll(editorLines).toContain('def triple(x):');
    // Undo never brings the last file's text back under this file's name.
    await page.getByTestId('source-editor').locator('.view-lines').click();
    await page.keyboard.press('Control+Z');
    await nextFrame(page);
    expect(await editorLines()).toContain('def triple(x):');

    await openSource('shapes.py', SOURCE);
    await page.getByLabel('Earlier results').getByRole('button').first().click();
    await page.getByRole('button', { name: 'Apply to editor' }).waitFor();
    expect(await page.locator('.file-name').innerText()).toBe('shapes.py');
    // The time is counted from the click, engine start included.
    expect(await page.locator('.result-bar').innerText()).toMatch(/s from the click\)/);

    // Another candidate of the same request (the ticks opening the file cleared, ticked again): a new seed, and the first result waits beside it to pick from.
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByRole('checkbox', { name: 'double', exact: true }).check();
    await page.getByRole('button', { name: 'Another candidate' }).click();
    await expect.poll(() => page.locator('.result-bar').innerText(), { timeout: 120_000 }).not.toMatch(/seed 0\b/);
    // The candidates of the request side by side, the new one shown; picking the first puts it back on the stage.
    const candidateButtons = page.getByRole('group', { name: 'Candidates' }).getByRole('button', { name: /^Candidate \d+, seed \d+$/ });
    expect(await candidateButtons.count()).toBe(2);
    expect(await page.getByRole('button', { name: /^Candidate 2, seed [1-9]\d*$/ }).getAttribute('aria-pressed')).toBe('true');
    // Compare: the first candidate's file on the left, the shown one's on the right, in place of the review.
    await page.getByRole('button', { name: 'Compare candidate 1 with the shown one', exact: true }).click();
    const compared = page.getByRole('region', { name: 'Candidates compared' });
    expect(await compared.locator('.review-actions').innerText()).toMatch(/^Left: seed 0, .*Right, on the stage: seed [1-9]\d*, /);
    const sides = compared.getByTestId('diff-view');
    await sides.locator('.editor.modified .view-lines').waitFor();
    await expect.poll(async () => (await sides.locator('.editor.original .view-lines').innerText()) !== (await sides.locator('.editor.modified .view-lines').innerText())).toBe(true);
    expect(await page.getByRole('button', { name: 'Download patch' }).count()).toBe(0);
    await compared.getByRole('button', { name: 'Back to the review' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor();
    await page.getByRole('button', { name: 'Candidate 1, seed 0', exact: true }).click();
    await expect.poll(() => page.locator('.result-bar').innerText()).toMatch(/seed 0\b/);
    expect(await page.getByRole('button', { name: 'Candidate 1, seed 0', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Discard' }).click();
    const candidates = await page.getByLabel('Earlier results').getByRole('button').allInnerTexts();
    expect(candidates).toHaveLength(2);
    expect(candidates.some((text) => text.includes('seed 0,'))).toBe(true);
    expect(candidates.some((text) => !text.includes('seed 0,'))).toBe(true);
  }, 240_000);

  it('regenerates only the definition at the cursor by Ctrl+Shift+Enter, ticking it alone', async () => {
    await openSource('shapes.py', SOURCE);
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    // The cursor in double's body: the panel names what the shortcut regenerates.
    await page.getByTestId('source-editor').locator('.view-line').nth(11).click();
    await page.getByRole('button', { name: 'Rewrite double only' }).waitFor();
    await page.keyboard.press('Control+Shift+Enter');
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('checkbox', { name: 'double', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'area', exact: true }).isChecked()).toBe(false);
    // area is untouched: every change is in double, the file's last lines.
    const changes = await page
      .getByRole('list', { name: 'Changes' })
      .getByRole('button', { name: /^Change \d+: lines? (\d+)/ })
      .allInnerTexts();
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(Number(/lines? (\d+)/.exec(change)![1])).toBeGreaterThanOrEqual(11);
  }, 180_000);

  it('shows one bar for the whole run, the phase named inside it and the time since the click', async () => {
    // A long function, so 200 steps take long enough to watch.
    const body = Array.from({ length: 60 }, (_, i) => `    total += ${i} * value`).join('\n');
    await openSource('long.py', `def long(value):\n    total = 0\n${body}\n    return total\n`);
    await page.getByRole('checkbox', { name: 'long', exact: true }).check();
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('200');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByLabel('Generation progress').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.run-progress-label').innerText()).toMatch(/^Denoising: step \d+ of 200$/);
    expect(await page.locator('.run-progress-times').innerText()).toMatch(/^\d+\.\d s since Generate/);
    await expect.poll(() => page.locator('.run-progress-times').innerText()).toMatch(/about \d+\.\d s left/);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }, 180_000);

  it('reaches the prompt and Generate by Tab before the editor, leaves the editor by Tab, and generates by Ctrl+Enter from it', async () => {
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    // From the page's start: a click on the title puts the focus navigation there.
    await page.getByRole('heading', { name: 'Builder' }).click();
    const visited: string[] = [];
    for (let i = 0; i < 30 && !visited.includes('button:Generate'); i++) {
      await page.keyboard.press('Tab');
      visited.push(
        await page.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          if (element.closest('[data-testid="source-editor"]')) return 'editor';
          return `${element.tagName.toLowerCase()}:${element.getAttribute('aria-label') ?? element.textContent?.trim()}`;
        }),
      );
    }
    expect(visited).toContain('textarea:Prompt');
    expect(visited).toContain('button:Generate');
    expect(visited).not.toContain('editor');
    // Every stop shows where the keyboard is, the label around the hidden Open file input included.
    await page.getByRole('heading', { name: 'Builder' }).click();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('label')?.textContent?.trim())).toBe('Open file');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!.closest('label') ?? document.activeElement!).outlineStyle)).toBe('solid');

    // Tab in the code editor moves on instead of indenting.
    await page.getByTestId('source-editor').locator('.view-lines').click();
    const before = await editorLines();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="source-editor"]'))).toBe(false);
    expect(await editorLines()).toEqual(before);

    await page.getByTestId('source-editor').locator('.view-lines').click();
    await page.keyboard.press('Control+Enter');
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('source-editor').waitFor({ state: 'visible' });
    // Monaco lays the lines out again once its pane is shown: wait for what the user would see.
    await expect.poll(editorLines).toEqual(before);
  }, 240_000);

  it('explains itself on a first visit, once, and filters the outline by name', async () => {
    const strip = page.getByRole('region', { name: 'About Builder' });
    expect(await strip.innerText()).toMatch(/built-in demo model is a test model with random weights: its output is noise/);
    await strip.getByRole('button', { name: 'Got it' }).click();
    await strip.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    expect(await strip.count()).toBe(0);

    await page.getByLabel('Filter outline').fill('desc');
    await expect.poll(() => page.getByRole('list', { name: 'Outline' }).getByRole('checkbox').count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: 'Shape.describe', exact: true }).isVisible()).toBe(true);
  }, 60_000);

  it('says in one sentence that the Hub cannot be reached, with the offline route', async () => {
    await page.context().route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Models', exact: true }).click();
    await page.getByRole('button', { name: 'Get qwen2.5-coder-0.5b-bd3lm from Hugging Face' }).click();
    const row = page.getByRole('listitem', { name: 'qwen2.5-coder-0.5b-bd3lm' });
    await row.getByRole('alert').waitFor();
    const message = await row.getByRole('alert').innerText();
    expect(message).toMatch(/^The Hugging Face Hub \(huggingface\.co\) cannot be reached from this page .*builder pull.*Load model folder/);
    expect(message).not.toContain('Failed to fetch');
  }, 120_000);
});
