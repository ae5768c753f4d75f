import { describe, expect, it } from 'vitest';
import { useAppPage } from './support/appPage';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n';
const UTIL = 'def square(x):\n    return x * x\n';
const appPage = useAppPage({ webgpu: false });

describe("Import plans with the planner's context mapping", () => {
  it('runs the plan, and its notes say which context reached the prompt and which relevant file was left out', async () => {
    const page = appPage();
    await page.getByLabel('Open file').setInputFiles({ name: 'shapes.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    const plans = [
      {
        filePath: 'shapes.py',
        editTargets: ['area'],
        intent: 'use the helper',
        context: { relevant_files: [{ path: 'util.py', content: UTIL }, 'gone.py'], compressed_context: 'Areas are in square metres.', planner_run: { id: 7 } },
      },
    ];
    await page.getByLabel('Import plans').setInputFiles({ name: 'plans.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plans)) });
    const notes = page.locator('.result-notes');
    await notes.waitFor({ timeout: 180_000 });
    const text = await notes.innerText();
    expect(text).toContain(`The prompt's related context: compressed_context (27 characters); util.py (relevant_files, ${`# util.py\n${UTIL}`.length} characters).`);
    expect(text).toContain("The plan's relevant file gone.py could not be read (gone.py is not the file open in the editor (shapes.py)");
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: /plans\.json/ })
        .count(),
    ).toBe(0);
  }, 240_000);

  it('with a folder open, reads a relevant file the plan names by path from the folder', async () => {
    const page = appPage();
    // A real directory picker cannot be driven from a test: it answers with an OPFS folder, a handle like the picker's.
    await page.evaluate(
      async ({ files }) => {
        const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('planner-project', { create: true });
        for (const [name, text] of Object.entries(files)) {
          const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
          await writable.write(text);
          await writable.close();
        }
        (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => folder;
      },
      { files: { 'shapes.py': SOURCE, 'util.py': UTIL } },
    );
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Open folder' }).click();
    await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'shapes.py' }).click();
    const plans = [{ filePath: 'shapes.py', editTargets: ['area'], intent: 'use the helper', context: { relevant_files: ['util.py'] } }];
    await page.getByLabel('Import plans').setInputFiles({ name: 'plans.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plans)) });
    const notes = page.locator('.result-notes');
    await notes.waitFor({ timeout: 180_000 });
    expect(await notes.innerText()).toContain(`The prompt's related context: util.py (relevant_files, ${`# util.py\n${UTIL}`.length} characters).`);
  }, 240_000);
});
