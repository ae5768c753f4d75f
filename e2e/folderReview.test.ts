import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';
import { applyDownloadedPatch } from './support/downloadedPatch';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

/** Two real files at the folder's root: Sinatra's Ruby (the demo model's noise parses there) and p-queue's TypeScript (it does not). */
const FILES: Record<string, string> = {
  'indifferent_hash.rb': fixture('real/ruby/indifferent_hash.rb'),
  'lower-bound.ts': fixture('repos/p-queue/source/lower-bound.ts'),
};
const FOLDER = 'e2e-folder-review';

const browser = useChromium({ webgpu: false });
let page: Page;

beforeAll(async () => {
  page = await (await browser().newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  await page.evaluate(
    async ({ folder, files }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
      for (const [name, text] of Object.entries(files)) {
        const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await writable.write(text);
        await writable.close();
      }
      // A real directory picker cannot be driven from a test: it answers with this OPFS folder, a handle like the picker's.
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => dir;
    },
    { folder: FOLDER, files: FILES },
  );
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('2');
  // The verdicts below are those of the demo model's q4 weights.
  await page.getByLabel('Precision').selectOption('q4');
});
afterAll(async () => {
  await page.context().close();
});

describe("a folder's result, change by change", () => {
  it('keeps each file’s accepted and rejected changes while another file is shown, and writes only those kept', async () => {
    await page.getByRole('button', { name: 'Open folder' }).click();
    const tree = page.getByRole('navigation', { name: 'Files' });
    await tree.getByRole('button', { name: 'indifferent_hash.rb' }).click();
    await page.getByRole('checkbox', { name: 'Sinatra.IndifferentHash.assoc', exact: true }).check();
    await tree.getByRole('button', { name: 'lower-bound.ts' }).click();
    await page.getByRole('checkbox', { name: 'lowerBound', exact: true }).check();
    await page.getByLabel('Body only (keep signature)').check();
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const files = page.getByLabel('Folder results').getByRole('list', { name: 'Files of the patch' });
    await files.waitFor({ timeout: 120_000 });
    const ruby = files.getByRole('listitem').filter({ hasText: 'indifferent_hash.rb' });
    expect(await ruby.innerText()).toBe('indifferent_hash.rb can apply');

    // The Ruby file's changes, each rejected: nothing is left to download or write, and the file list says so.
    await files.getByRole('button', { name: 'indifferent_hash.rb' }).click();
    const rejects = page.getByRole('button', { name: /^Reject change \d+$/ });
    await rejects.first().waitFor();
    const changes = await rejects.count();
    for (let i = 1; i <= changes; i++) await page.getByRole('button', { name: `Reject change ${i}`, exact: true }).click();
    await expect.poll(() => ruby.innerText()).toBe(`indifferent_hash.rb can apply · 0 of ${changes} changes kept`);
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByRole('button', { name: 'Download patch' }).click();
    await page.getByText('Nothing to download: no file of this run can apply with a change kept.').waitFor();
    expect(downloads).toBe(0);
    await page.getByRole('button', { name: 'Apply to folder' }).click();
    await page.getByText(/No file can be written: .*every change was rejected/).waitFor();

    // Another file shown and the Ruby one again: its decisions are still there; accepting the first change puts it in the patch.
    await files.getByRole('button', { name: 'lower-bound.ts' }).click();
    await expect.poll(() => page.locator('.file-name').innerText()).toBe('lower-bound.ts');
    await files.getByRole('button', { name: 'indifferent_hash.rb' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Reject change 1', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Accept change 1', exact: true }).click();
    await expect.poll(() => ruby.innerText()).toBe(`indifferent_hash.rb can apply · 1 of ${changes} changes kept`);
    const repo = await applyDownloadedPatch(page, FILES);
    const patch = readFileSync(join(repo, 'change.patch'), 'utf8');
    expect([...patch.matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1])).toEqual(['indifferent_hash.rb']);
    expect(patch.match(/^@@ /gm)).toHaveLength(1);
    const patched = readFileSync(join(repo, 'indifferent_hash.rb'), 'utf8');
    expect(patched).not.toBe(FILES['indifferent_hash.rb']);

    // Apply to folder writes the file as reviewed: what the patch makes of it.
    await page.getByRole('button', { name: 'Apply to folder' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Apply to folder' });
    expect(await confirm.locator('li').allInnerTexts()).toEqual(['indifferent_hash.rb']);
    await confirm.getByRole('button', { name: 'Write files' }).click();
    await page.getByLabel('Folder results').getByRole('button', { name: 'Undo' }).waitFor();
    const written = await page.evaluate(async (folder) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      return (await (await dir.getFileHandle('indifferent_hash.rb')).getFile()).text();
    }, FOLDER);
    expect(written).toBe(patched);
  }, 180_000);
});
