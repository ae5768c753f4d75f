import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useChromium } from './support/browser';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

/** A folder of real files in two languages: p-queue's TypeScript and Sinatra's Ruby, with a .gitignore. */
const FILES: Record<string, string> = {
  '.gitignore': 'dist\n',
  'source/lower-bound.ts': fixture('repos/p-queue/source/lower-bound.ts'),
  'source/priority-queue.ts': fixture('repos/p-queue/source/priority-queue.ts'),
  'source/queue.ts': fixture('repos/p-queue/source/queue.ts'),
  'source/options.ts': fixture('repos/p-queue/source/options.ts'),
  'lib/indifferent_hash.rb': fixture('real/ruby/indifferent_hash.rb'),
  'dist/index.js': 'export {};\n',
};
const FOLDER = 'e2e-folder';

const browser = useChromium();
let page: Page;

/** The folder's files as the page's origin-private file system holds them now. */
const readFolder = (paths: string[]) =>
  page.evaluate(
    async ({ folder, paths }) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const out: Record<string, string> = {};
      for (const path of paths) {
        const parts = path.split('/');
        let dir = root;
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
        out[path] = await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).text();
      }
      return out;
    },
    { folder: FOLDER, paths },
  );

const writeFolderFile = (path: string, text: string) =>
  page.evaluate(
    async ({ folder, path, text }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
      const parts = path.split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
      const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await writable.write(text);
      await writable.close();
    },
    { folder: FOLDER, path, text },
  );

beforeAll(async () => {
  page = await (await browser().newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  for (const [path, text] of Object.entries(FILES)) await writeFolderFile(path, text);
  // A real directory picker cannot be driven from a test: it answers with the OPFS folder instead,
  // a FileSystemDirectoryHandle like the one the picker returns.
  await page.evaluate((folder) => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
  }, FOLDER);
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill('2');
  // The verdicts below are those of the demo model's q4 weights, whatever precision the backend would pick.
  await page.getByLabel('Precision').selectOption('q4');
});

async function tickTargets(): Promise<void> {
  await page.getByRole('button', { name: 'source/lower-bound.ts' }).click();
  await page.getByRole('checkbox', { name: 'lowerBound', exact: true }).check();
  await page.getByRole('button', { name: 'lib/indifferent_hash.rb' }).click();
  await page.getByRole('checkbox', { name: 'Sinatra.IndifferentHash.assoc', exact: true }).check();
}

describe('a folder in the app', () => {
  it('opens a folder, ticks targets in two files, and generates one patch that git apply takes at the root; Apply to folder writes, Undo restores byte for byte', async () => {
    await page.getByRole('button', { name: 'Open folder' }).click();
    const tree = page.getByRole('navigation', { name: 'Files' });
    await tree.getByRole('button', { name: 'source/priority-queue.ts' }).waitFor();
    expect(await tree.getByRole('button', { name: 'dist/index.js' }).count()).toBe(0);
    await tickTargets();
    const byFile = page.getByLabel('Targets by file');
    await expect.poll(() => byFile.locator('li').allInnerTexts()).toEqual(['source/lower-bound.ts: lowerBound', 'lib/indifferent_hash.rb: Sinatra.IndifferentHash.assoc']);
    await page.getByLabel('Body only (keep signature)').check();
    await page.getByRole('button', { name: 'Generate' }).click();
    const results = page.getByLabel('Folder results');
    await results.getByRole('list', { name: 'Files of the patch' }).waitFor({ timeout: 120_000 });
    const rows = await results.getByRole('list', { name: 'Files of the patch' }).locator('li').allInnerTexts();
    expect(rows.map((row) => row.split(' ')[0])).toEqual(['lib/indifferent_hash.rb', 'source/lower-bound.ts']);
    // The tiny model's random tokens are valid Ruby (a method call with arguments) in the kept
    // method, not valid TypeScript: one file can apply, the other is left out, each with its verdict.
    expect(rows[0]).toBe('lib/indifferent_hash.rb can apply');
    expect(rows[1]).toMatch(/^source\/lower-bound\.ts left out: invalid syntax/);
    await results.getByText('Related code the model saw').click();
    expect(await results.locator('details').innerText()).toContain('source/priority-queue.ts:17-48 PriorityQueue.enqueue (method, calls lowerBound)');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download patch' }).click();
    const patchPath = join(mkdtempSync(join(tmpdir(), 'builder-e2e-folder-')), 'folder.patch');
    await (await download).saveAs(patchPath);
    const repo = mkdtempSync(join(tmpdir(), 'builder-e2e-folder-repo-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    expect([...readFileSync(patchPath, 'utf8').matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1])).toEqual(['lib/indifferent_hash.rb']);
    execFileSync('git', ['apply', '--check', patchPath], { cwd: repo });
    execFileSync('git', ['apply', patchPath], { cwd: repo });
    const patched = readFileSync(join(repo, 'lib/indifferent_hash.rb'), 'utf8');
    expect(patched).not.toBe(FILES['lib/indifferent_hash.rb']);

    await results.getByRole('button', { name: 'Apply to folder' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Apply to folder' });
    expect(await confirm.locator('li').allInnerTexts()).toEqual(['lib/indifferent_hash.rb']);
    await confirm.getByRole('button', { name: 'Write files' }).click();
    await results.getByRole('button', { name: 'Undo' }).waitFor();
    const afterApply = await readFolder(['lib/indifferent_hash.rb', 'source/lower-bound.ts']);
    expect(afterApply['lib/indifferent_hash.rb']).toBe(patched);
    expect(afterApply['source/lower-bound.ts']).toBe(FILES['source/lower-bound.ts']);

    await results.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => results.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    expect((await readFolder(['lib/indifferent_hash.rb']))['lib/indifferent_hash.rb']).toBe(FILES['lib/indifferent_hash.rb']);

    // Someone edits the file on disk after Builder read it: Apply leaves it alone and says so.
    const edited = `${FILES['lib/indifferent_hash.rb']}# edited elsewhere\n`;
    await writeFolderFile('lib/indifferent_hash.rb', edited);
    await results.getByRole('button', { name: 'Apply to folder' }).click();
    await confirm.getByRole('button', { name: 'Write files' }).click();
    await expect.poll(() => results.getByRole('alert').innerText()).toMatch(/lib\/indifferent_hash\.rb changed on disk since Builder read it; it was left alone/);
    expect((await readFolder(['lib/indifferent_hash.rb']))['lib/indifferent_hash.rb']).toBe(edited);
  }, 180_000);
});
