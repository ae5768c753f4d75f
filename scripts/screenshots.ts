/**
 * The pictures in docs/img, taken from the built app in the system Chromium, so they show the app
 * as it is: a file with ticked targets (and the first-visit strip), review mode on a real result (the
 * first-visit strip's example, which the known-answer test model gets right), a generation in
 * progress (the tiny demo model), the model manager. Run: npm run screenshots (builds first).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { launchChromium } from '../src/measure/chromium';

const OUT = 'docs/img';
const VIEWPORT = { width: 1280, height: 800 };
// Long enough for the step counter to be caught half way, short enough for the tiny models.
const PROGRESS_STEPS = 200;
const GENERATION_TIMEOUT_MS = 180_000;

const EXAMPLE = `import re


class Parser:
    """Reads "key = value" lines into a dict."""

    def __init__(self, text):
        self.text = text

    def parse(self):
        result = {}
        for line in self.text.splitlines():
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, _, value = line.partition('=')
            result[key.strip()] = value.strip()
        return result


def load(path):
    with open(path) as handle:
        return Parser(handle.read()).parse()
`;

async function generationStep(page: Page): Promise<number> {
  return page.getByLabel('Generation progress').evaluate((bar) => (bar as HTMLProgressElement).value);
}

if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first (npm run screenshots does).');
mkdirSync(OUT, { recursive: true });
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const address = server.httpServer.address();
if (!address || typeof address === 'string') throw new Error('the preview server has no port');
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`http://localhost:${address.port}/`);
  await page.getByTestId('source-editor').locator('.view-lines').waitFor();
  await page.getByLabel('Open file').setInputFiles({ name: 'config_parser.py', mimeType: 'text/x-python', buffer: Buffer.from(EXAMPLE) });
  await page.getByRole('checkbox', { name: 'Parser.parse', exact: true }).check();
  await page.getByLabel('Prompt').fill('skip lines without "=" and strip quotes around values');
  // WASM: the demo models run faster there than on an emulated GPU; no fallback, so the picture shows the diffusion path.
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.screenshot({ path: `${OUT}/app-ticks.png` });

  // The first-visit strip's example: the known-answer model rewrites shift_by_8, and review mode shows its one change.
  await page.getByRole('button', { name: 'Try the example' }).click();
  // The first-visit strip is in the first picture; the others show the app as it is used.
  await page.getByRole('button', { name: 'Got it' }).click();
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('button', { name: 'Download patch' }).waitFor({ timeout: GENERATION_TIMEOUT_MS });
  await page.getByTestId('diff-view').locator('.editor.modified .view-lines').waitFor();
  await page.getByRole('button', { name: 'Can be applied: why' }).waitFor();
  // Monaco's diff editor lays its two sides out again once the pane has its size: a moment after it first draws.
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${OUT}/result.png` });
  await page.getByRole('button', { name: 'Discard' }).click();

  // Back to the demo model on the parser file, for a run long enough to catch half way.
  await page.getByLabel('Preset').selectOption('demo');
  await page.getByLabel('Open file').setInputFiles({ name: 'config_parser.py', mimeType: 'text/x-python', buffer: Buffer.from(EXAMPLE) });
  await page.getByRole('checkbox', { name: 'Parser.parse', exact: true }).check();
  await page.getByLabel('Prompt').fill('skip lines without "=" and strip quotes around values');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Autoregressive fallback').uncheck();
  await page.getByLabel('Steps').fill(String(PROGRESS_STEPS));
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByLabel('Generation progress').waitFor({ timeout: GENERATION_TIMEOUT_MS });
  await page.waitForFunction((steps) => ((document.querySelector('progress[aria-label="Generation progress"]') as HTMLProgressElement | null)?.value ?? 0) >= steps / 4, PROGRESS_STEPS, {
    timeout: GENERATION_TIMEOUT_MS,
  });
  await page.screenshot({ path: `${OUT}/generating.png` });
  console.log(`generating.png at step ${await generationStep(page)} of ${PROGRESS_STEPS}`);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByTestId('generation-message').getByText('Cancelled.').waitFor({ timeout: 30_000 });

  // The panel scrolls inside its corner of the column: a window tall enough shows the whole list in it, and the picture is that corner.
  await page.setViewportSize({ width: VIEWPORT.width, height: 2400 });
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.locator('.models-area').screenshot({ path: `${OUT}/model-manager.png` });
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
console.log(`wrote ${OUT}/app-ticks.png, generating.png, result.png, model-manager.png`);
