import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { contentSecurityPolicy } from '../src/ui/app/contentSecurityPolicy';
import { useChromium } from './support/browser';
import { downloadedPatch } from './support/downloadedPatch';
import { expectNoMarker, expectOnlyOwnOrigin, type RecordedSession, startRecordedSession } from './support/recordedSession';

// Distinctive strings that exist only in the user's file and prompt: if any request carries them,
// the user's code left the page.
const CODE_MARKER = 'zq_private_7f3a9c';
const PROMPT_MARKER = 'zq_prompt_41be07';
const SOURCE = `def ${CODE_MARKER}(radius):\n    return 3.14159 * radius ** 2  # ${CODE_MARKER}\n\n\ndef double(x):\n    return 2 * x\n`;

const browser = useChromium();

let session: RecordedSession;

beforeEach(async () => {
  session = await startRecordedSession(browser());
});

afterEach(async () => {
  await session.close();
});

describe('privacy', () => {
  it('a full session talks to the page origin only, never sends the code or the prompt, and breaks no CSP rule', async () => {
    const { page } = session;
    const origin = new URL(inject('baseUrl')).origin;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    // The registry's demo model downloads from the site itself (no registry model has a remote
    // folder today), through the model manager's download worker, into the cache.
    await page.getByRole('button', { name: 'Download tiny-diffusion' }).click();
    await expect
      .poll(async () => (await page.getByRole('listitem', { name: 'tiny-diffusion', exact: true }).locator('.model-status').allInnerTexts()).join(''), { timeout: 150_000 })
      .toMatch(/^Cached and verified/);
    await page.getByLabel('Open file').setInputFiles({ name: 'secret.py', mimeType: 'text/x-python', buffer: Buffer.from(SOURCE) });
    await page.getByRole('checkbox', { name: CODE_MARKER, exact: true }).check();
    await page.getByLabel('Prompt').fill(`make it faster ${PROMPT_MARKER}`);
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByLabel('Autoregressive fallback').uncheck();
    await page.getByLabel('Steps').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: 120_000 });
    expect(await downloadedPatch(page)).toContain(`-def ${CODE_MARKER}(radius):`);

    // The recorders saw the worker's traffic (the model and ORT's WASM), so silence is not blindness.
    for (const requests of [session.seen.map((r) => r.url), session.proxy.requests.map((r) => r.url)]) {
      expect(requests.some((url) => url.includes('/models/tiny-diffusion/manifest.json'))).toBe(true);
      expect(requests.some((url) => /\/wasm\/ort-wasm[^/]*\.wasm$/.test(url))).toBe(true);
    }
    expectOnlyOwnOrigin(session, origin);
    expectNoMarker(session, [CODE_MARKER, PROMPT_MARKER]);
    expect(session.violations).toEqual([]);
  }, 400_000);

  it('the built pages carry the policy, and the policy blocks a request to another host', async () => {
    const { page } = session;
    await page.goto(inject('baseUrl'));
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toBe(contentSecurityPolicy());
    const outcome = await page.evaluate(() =>
      fetch('https://example.com/collect', { method: 'POST', body: 'x' }).then(
        () => 'sent',
        (error: Error) => error.name,
      ),
    );
    expect(outcome).toBe('TypeError');
    expect(session.violations.some((v) => v.includes('connect-src'))).toBe(true);
    expect(session.proxy.requests.filter((r) => r.url.includes('example.com'))).toEqual([]);
  });
});
