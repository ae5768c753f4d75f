import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { KNOWN_ANSWER_EXAMPLE } from '../src/ui/app/knownAnswerExample';
import { functionText, heldOutExamples } from '../tests/support/knownAnswerTask';
import { useAppPage } from './support/appPage';
import { applyDownloadedPatch } from './support/downloadedPatch';

// The task's own file of the example: what the known-answer model must turn the example into.
const task = heldOutExamples().find((example) => example.fileName === KNOWN_ANSWER_EXAMPLE.fileName)!;

const appPage = useAppPage({ webgpu: false });
let page: Page;
beforeEach(() => {
  page = appPage();
});

/** The diff's generated side as the user sees it (Monaco draws spaces as no-break spaces). */
const generatedLines = async () => (await page.getByTestId('diff-view').locator('.editor.modified .view-line').allInnerTexts()).map((line) => line.replace(/\u00a0/g, ' '));

describe('Try the example', () => {
  it('opens the known-answer task with its target and prompt, and Generate writes the right function, safe to apply', async () => {
    expect(task.target).toBe(KNOWN_ANSWER_EXAMPLE.target);
    expect(task.instruction).toBe(KNOWN_ANSWER_EXAMPLE.prompt);

    await page.getByRole('region', { name: 'About Builder' }).getByRole('button', { name: 'Try the example' }).click();
    await expect.poll(() => page.locator('.file-name').innerText()).toBe(task.fileName);
    await expect.poll(() => page.getByRole('checkbox', { name: task.target, exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Prompt').inputValue()).toBe(task.instruction);
    // The Models panel says which model Generate uses, and what it is.
    const row = page.getByRole('listitem', { name: 'known-answer-diffusion', exact: true });
    expect(await row.getByText('Generate uses this model').count()).toBe(1);
    expect(await row.locator('.model-status').innerText()).toMatch(/^Built in: served with this page \(a test model trained on one synthetic task\)/);
    expect(await page.getByRole('note', { name: 'About the models' }).innerText()).toMatch(/Real code needs a real model/);

    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('diff-view').locator('.editor.modified .view-lines').waitFor();

    // The function the task's instruction describes, line by line in the diff; the verdict says it can be applied.
    const expected = functionText(task.function).split('\n');
    await expect.poll(generatedLines).toEqual(expect.arrayContaining(expected));
    const bar = page.locator('.result-bar');
    expect(await bar.getByRole('button', { name: 'Can be applied: why' }).count()).toBe(1);
    expect(await bar.innerText()).toMatch(/Valid syntax/);
    expect(await bar.innerText()).toMatch(/known-answer-diffusion/);
    expect(await bar.innerText()).toMatch(/Test model: right only on its synthetic task/);

    // The patch git applies to the example's file and gives the task's file exactly.
    const repo = await applyDownloadedPatch(page, { [task.fileName]: KNOWN_ANSWER_EXAMPLE.text });
    expect(readFileSync(join(repo, task.fileName), 'utf8')).toBe(task.text);
  }, 180_000);

  it('stays a click away in the Models panel once the first-visit strip is closed', async () => {
    await page.getByRole('button', { name: 'Got it' }).click();
    await page.getByRole('button', { name: 'Models', exact: true }).click();
    await page.getByRole('listitem', { name: 'known-answer-diffusion', exact: true }).getByRole('button', { name: 'Try the example' }).click();
    await expect.poll(() => page.locator('.file-name').innerText()).toBe(task.fileName);
    await expect.poll(() => page.getByRole('checkbox', { name: task.target, exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Prompt').inputValue()).toBe(task.instruction);
    expect(await page.getByRole('listitem', { name: 'known-answer-diffusion', exact: true }).getByText('Generate uses this model').count()).toBe(1);
  }, 60_000);
});
