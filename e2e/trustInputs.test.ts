import type { Page } from 'playwright-core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type InputOutcome, recordTrustReport } from '../tests/trust/trustReport';
import { useAppPage } from './support/appPage';
import { savedEntry } from './support/savedEntry';

const PREVIOUS = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\nclass Shape:\n    def describe(self):\n        return "shape"\n';
const appPage = useAppPage();
let page: Page;
const outcomes: InputOutcome[] = [];

afterAll(() => recordTrustReport('app-inputs', { inputs: outcomes }));

beforeEach(async () => {
  page = appPage();
  await open('shapes.py', PREVIOUS);
  await page.getByRole('checkbox', { name: 'area', exact: true }).waitFor();
});

async function open(name: string, content: string | Buffer): Promise<void> {
  await page.getByLabel('Open file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) });
}

/** The editor's text as the app keeps it: the saved session, once its batched write is flushed. */
async function savedText(): Promise<string> {
  return (JSON.parse((await savedEntry(page, 'builder-state'))!) as { state: { text: string } }).state.text;
}

const alertText = () => page.getByRole('alert').first().textContent();
const blockedBecause = () => page.getByRole('button', { name: 'Generate' }).getAttribute('title');

async function expectRefusedFile(input: string, name: string, content: Buffer, message: RegExp): Promise<void> {
  await open(name, content);
  await expect.poll(alertText).toMatch(message);
  expect(await savedText()).toBe(PREVIOUS);
  outcomes.push({ input, surface: 'app', message: (await alertText())!.replace(/×$/, ''), exitCode: null, dataKept: 'yes: the editor still holds the previous code' });
}

describe('every bad input to the app gets a clear message and the editor keeps the code', () => {
  it('empty, binary, 5 MB and non-UTF-8 files are refused', async () => {
    await expectRefusedFile('empty file', 'empty.py', Buffer.alloc(0), /empty\.py is empty/);
    await expectRefusedFile('binary file', 'image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), /image\.png looks binary/);
    await expectRefusedFile('5 MB file', 'huge.py', Buffer.alloc(5 * 1024 * 1024, 'a'), /huge\.py is 5\.0 MB/);
    await expectRefusedFile('non-UTF-8 bytes (Latin-1)', 'latin1.py', Buffer.from('def greet():\n    return "caf\xe9"\n', 'latin1'), /latin1\.py is not valid UTF-8 text/);
  });

  it('code that does not parse and a language that cannot be told are opened, flagged, and cannot be generated from', async () => {
    for (const [input, name, content, message] of [
      ['code that does not parse', 'broken.py', 'def (((:\n  ]]] return ))) {{{\n))) ((( ]]]\n', /broken\.py does not parse as Python/],
      ['a language that cannot be told', 'notes.xyz', 'Dear team,\nthe meeting moved to Tuesday.\n', /Cannot tell the language of notes\.xyz/],
    ] as const) {
      await open(name, content);
      await expect.poll(() => page.getByRole('alert').filter({ hasText: message }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
      expect(await savedText()).toBe(content);
      const shown = await page.getByRole('alert').filter({ hasText: message }).textContent();
      outcomes.push({ input, surface: 'app', message: shown!, exitCode: null, dataKept: 'yes: the opened text is in the editor as it was; Generate is disabled' });
    }
  });

  it('keeps mixed and CRLF line endings byte for byte', async () => {
    for (const [input, content] of [
      ['mixed line endings (LF and CRLF)', 'def area(radius):\r\n    return 3.14159 * radius ** 2\n\r\n\r\ndef double(x):\r\n    return 2 * x\n'],
      ['CRLF line endings', 'def area(radius):\r\n    return 3.14159 * radius ** 2\r\n'],
    ] as const) {
      await open('endings.py', content);
      await page.getByRole('checkbox', { name: 'area', exact: true }).waitFor();
      expect(JSON.stringify(await savedText())).toBe(JSON.stringify(content));
      outcomes.push({ input, surface: 'app', message: 'Opened endings.py.', exitCode: null, dataKept: 'yes: the text the app generates from is the file, line endings included' });
    }
  });

  it('no target, overlapping targets and invalid settings are explained before Generate', async () => {
    expect(await blockedBecause()).toBe('Tick at least one definition to regenerate.');
    outcomes.push({ input: 'no target', surface: 'app', message: (await blockedBecause())!, exitCode: null, dataKept: 'yes: nothing runs' });

    await page.getByRole('checkbox', { name: 'Shape', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Shape.describe', exact: true }).check();
    const note = page.getByText('Shape.describe lies inside Shape, so it is regenerated as part of it.');
    await note.waitFor();
    outcomes.push({ input: 'overlapping targets (one inside the other)', surface: 'app', message: (await note.textContent())!, exitCode: null, dataKept: 'yes: one span is masked' });

    // Steps 0 is valid (the model authors' own steps); below it is not.
    await page.getByLabel('Steps').fill('-1');
    const field = page.getByText(/steps must be/i);
    await field.waitFor();
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    outcomes.push({ input: 'invalid settings', surface: 'app', message: (await field.textContent())!, exitCode: null, dataKept: 'yes: the setting is kept as typed; Generate is disabled' });
    expect(await savedText()).toBe(PREVIOUS);
  });

  it('a malformed plans JSON is refused with its name', async () => {
    await page.getByLabel('Import plans').setInputFiles({ name: 'plans.json', mimeType: 'application/json', buffer: Buffer.from('[{"filePath": "shapes.py", "editTargets": ["area"],') });
    const alert = page.getByRole('alert').filter({ hasText: /plans\.json/ });
    await expect.poll(() => alert.count()).toBe(1);
    expect(await savedText()).toBe(PREVIOUS);
    outcomes.push({ input: 'malformed plans JSON', surface: 'app', message: (await alert.textContent())!, exitCode: null, dataKept: 'yes: nothing runs; the editor keeps its code' });
  });

  it('a 100 KB prompt gets a message that names the prompt', async () => {
    await page.getByRole('checkbox', { name: 'area', exact: true }).check();
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Prompt').fill('make it faster and add input validation; '.repeat(2500).slice(0, 100 * 1024));
    await page.getByRole('button', { name: 'Generate' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /shorten the prompt/ });
    await alert.waitFor({ timeout: 150_000 });
    expect(await savedText()).toBe(PREVIOUS);
    outcomes.push({ input: 'a 100 KB prompt', surface: 'app', message: (await alert.textContent())!, exitCode: null, dataKept: 'yes: the editor and the prompt are kept' });
  }, 200_000);
});
