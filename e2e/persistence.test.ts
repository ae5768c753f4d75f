import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type InputOutcome, recordTrustReport } from '../tests/trust/trustReport';
import { useChromium } from './support/browser';
import { downloadedPatch } from './support/downloadedPatch';
import { startQuickGeneration } from './support/quickGeneration';
import { savedEntry } from './support/savedEntry';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
const browser = useChromium();
let context: BrowserContext;
let page: Page;
const faults: InputOutcome[] = [];

afterAll(() => recordTrustReport('app-faults', { inputs: faults }));

const alertText = async () => (await page.getByRole('alert').first().textContent())!.replace(/×$/, '');

beforeEach(async () => {
  context = await browser().newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(inject('baseUrl'));
  await editorReady();
});

afterEach(async () => {
  await context.close();
});

/** The editor is drawn; with a result on screen it waits, hidden, under the review. */
async function editorReady(): Promise<void> {
  await page.getByTestId('source-editor').locator('.view-lines').waitFor({ state: 'attached' });
}

/** Reads or writes the app's IndexedDB entries (idb-keyval's default database) from the page. */
function idb(action: 'get', key: string): Promise<unknown>;
function idb(action: 'set', key: string, value: unknown): Promise<unknown>;
function idb(action: 'get' | 'set', key: string, value?: unknown): Promise<unknown> {
  return page.evaluate(
    ([action, key, value]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('keyval-store');
        open.onupgradeneeded = () => open.result.createObjectStore('keyval');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const transaction = open.result.transaction('keyval', action === 'get' ? 'readonly' : 'readwrite');
          const request = action === 'get' ? transaction.objectStore('keyval').get(key as string) : transaction.objectStore('keyval').put(value, key as string);
          transaction.oncomplete = () => resolve(action === 'get' ? request.result : undefined);
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    [action, key, value] as const,
  );
}

async function generateOnce(): Promise<void> {
  await startQuickGeneration(page, SOURCE);
  await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
}

const downloadPatch = () => downloadedPatch(page);

describe('persistence', () => {
  it('keeps the editor, the settings and the last result across a reload and an engine crash', async () => {
    await generateOnce();
    const patch = await downloadPatch();
    expect(patch).toContain('--- a/shapes.py');

    // The engine worker dies: the page keeps what it showed, and the next run gets a fresh worker.
    const [engine] = page.workers().filter((worker) => worker.url().includes('engine.worker'));
    const replaced = new Promise((resolve) => engine!.once('close', resolve));
    await engine!.evaluate(() =>
      setTimeout(() => {
        throw new Error('injected crash');
      }),
    );
    await replaced;
    expect(await downloadPatch()).toBe(patch);
    faults.push({
      input: 'engine worker crashes after a result',
      surface: 'app',
      message: 'the worker is replaced; the result stays on screen',
      exitCode: null,
      dataKept: 'yes: the result, its patch byte for byte, the editor',
    });

    expect(await savedEntry(page, 'builder-results')).toContain('"unifiedDiff"');
    await page.reload();
    await editorReady();
    await page.getByRole('button', { name: 'Download patch' }).waitFor();
    expect(await downloadPatch()).toBe(patch);
    await page.getByTestId('diff-view').locator('.editor.modified').waitFor();
    expect(await page.getByLabel('Prompt').inputValue()).toBe('use math.pi');
    expect(await page.getByLabel('Steps').inputValue()).toBe('2');
    expect(await page.getByRole('checkbox', { name: 'area', exact: true }).isChecked()).toBe(true);
    expect(await page.getByText('shapes.py').first().isVisible()).toBe(true);

    faults.push({
      input: 'reload with a result on screen',
      surface: 'app',
      message: 'the result, editor, ticks, prompt and settings come back',
      exitCode: null,
      dataKept: 'yes: the same patch downloads after the reload',
    });

    // Generate still works after the crash and the reload.
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 150_000 });
  }, 400_000);

  it('sets aside a saved session that is garbage, says so, and starts with a working app', async () => {
    await idb('set', 'builder-state', '{"state": {"text": "def half');
    await page.reload();
    await editorReady();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('The saved session could not be read, so it was set aside');
    // The default example is outlined, ticks and is ready to generate.
    await page.getByRole('checkbox', { name: 'Shape.describe', exact: true }).check();
    expect(await page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    expect(await idb('get', 'builder-state.unreadable')).toBe('{"state": {"text": "def half');
    faults.push({
      input: 'saved session is garbage (not JSON)',
      surface: 'app',
      message: await alertText(),
      exitCode: null,
      dataKept: 'yes: the garbage is set aside under builder-state.unreadable; the app starts and works',
    });
  });

  it('keeps the sound fields of a saved session whose settings are broken', async () => {
    const session = {
      state: {
        text: 'def kept(x):\n    return x\n',
        fileName: 'kept.py',
        languageOverride: 'cobol',
        checked: ['kept'],
        mode: 'body',
        prompt: 'still here',
        cursor: { line: 1, column: 1 },
        settings: { preset: 'nonsense', bogus: 1 },
      },
      version: 1,
    };
    await idb('set', 'builder-state', JSON.stringify(session));
    await page.reload();
    await editorReady();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('The saved language, settings could not be used and were reset');
    await expect.poll(() => page.getByRole('checkbox', { name: 'kept', exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Prompt').inputValue()).toBe('still here');
    expect(await page.getByLabel('Preset').inputValue()).toBe('demo');
    faults.push({
      input: 'saved session with a bad language and settings',
      surface: 'app',
      message: await alertText(),
      exitCode: null,
      dataKept: 'yes: text, ticks and prompt kept; only the bad fields reset',
    });
  });

  it('sets aside saved results that cannot be shown, with a notice, and keeps the session', async () => {
    await page.getByLabel('Prompt').fill('keep this prompt');
    expect(await savedEntry(page, 'builder-state')).toContain('keep this prompt');
    const broken = { state: { patch: { filePath: 'a.py', originalCode: 'x = 1\n', generatedCode: 'x = 2\n', unifiedDiff: 'not a diff' }, batch: [], runtime: null }, version: 1 };
    await idb('set', 'builder-results', JSON.stringify(broken));
    await page.reload();
    await editorReady();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('The saved results could not be read, so they were set aside');
    expect(await page.getByRole('button', { name: 'Download patch' }).count()).toBe(0);
    expect(await page.getByLabel('Prompt').inputValue()).toBe('keep this prompt');
    expect(JSON.parse((await idb('get', 'builder-results.unreadable')) as string).state.patch.unifiedDiff).toBe('not a diff');
    faults.push({
      input: 'saved results that cannot be shown (diff does not match)',
      surface: 'app',
      message: await alertText(),
      exitCode: null,
      dataKept: 'yes: set aside under builder-results.unreadable; the session is kept',
    });
  });
});
