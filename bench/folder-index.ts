/**
 * What opening a folder costs: the scan (the file tree, .gitignore and skips), reading and outlining
 * every source file (the index), the memory that holds, and the related-code search per target.
 * Measured in Node, on a real tree of about 1,000 source files: monaco-editor's own ESM source of
 * vs/base, vs/platform and vs/editor, copied once into .bench/monaco-vs. With --browser, also the
 * built app (dist/, run `npx vite build` first) in the system Chromium: the same folder put in the
 * origin-private file system and opened through Open folder, timed until the tree shows and until
 * every file is outlined, with the page's JS heap from the DevTools protocol.
 *
 * Run: npm run bench:folder-index [-- --root DIR] [--targets N]; with --docs FILE the table goes into
 * that page's folder-index section.
 */
import { cpSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { nodeFolder } from '../src/cli/nodeFolder';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { launchChromium } from '../src/measure/chromium';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';
import { findRelatedCode } from '../src/repository/relatedCode';
import { scanRepository, skippedNote } from '../src/repository/repository';
import { RepositoryIndex } from '../src/repository/repositoryIndex';
import { SyntaxParser } from '../src/syntax/syntaxParser';

const MONACO = 'node_modules/monaco-editor/esm/vs';
const DEFAULT_ROOT = '.bench/monaco-vs';

const { values } = parseArgs({ options: { root: { type: 'string' }, targets: { type: 'string', default: '30' }, docs: { type: 'string' }, browser: { type: 'boolean', default: false } } });
let root = values.root;
if (!root) {
  root = DEFAULT_ROOT;
  if (!existsSync(root)) for (const part of ['base', 'platform', 'editor']) cpSync(`${MONACO}/${part}`, `${root}/${part}`, { recursive: true });
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const signed = (bytes: number) => `${bytes < 0 ? '-' : '+'}${mb(Math.abs(bytes))}`;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const memory = () => {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external + usage.arrayBuffers, rss: usage.rss };
};

const parser = await SyntaxParser.create(nodeWasmLocator);
// Grammars load once, before anything is timed.
await parser.parse('const a = 1;\n', 'javascript');
await parser.parse('const a: number = 1;\n', 'typescript');
const before = memory();

const folder = nodeFolder(root);
const t0 = performance.now();
const repository = await scanRepository(folder);
const t1 = performance.now();
const index = new RepositoryIndex(repository, folder, parser);
const files = await index.indexAll();
const t2 = performance.now();
const after = memory();
const definitions = files.reduce((n, f) => n + f.outline.length, 0);
const characters = files.reduce((n, f) => n + f.text.length, 0);

// Targets spread over the folder: every kth function or method of the indexed files.
const candidates = files.flatMap((file) => file.outline.filter((e) => e.kind === 'function' || e.kind === 'method').map((entry) => ({ file, entry })));
const wanted = Number(values.targets);
const step = Math.max(1, Math.floor(candidates.length / wanted));
const targets = candidates.filter((_, i) => i % step === 0).slice(0, wanted);
const searchMs: number[] = [];
let found = 0;
// The first search also builds the name table over the whole folder: reported apart.
const tName = performance.now();
await index.definitionsNamed('');
const nameTableMs = performance.now() - tName;
for (const { file, entry } of targets) {
  const started = performance.now();
  found += (await findRelatedCode(index, file.path, entry)).length;
  searchMs.push(performance.now() - started);
}
const afterSearch = memory();

const lines: string[] = [];
lines.push(
  `Folder index in Node ${process.version} (${root}): ${repository.files.length} files listed, ${files.length} outlined, ${repository.skipped.length} skipped, ${index.unreadable.length} unreadable.`,
);
lines.push(skippedNote(repository) ?? 'Nothing skipped.');
lines.push('');
lines.push('| step | time | memory after (heap / external incl. WASM / RSS) |');
lines.push('|---|---:|---|');
lines.push(`| scan (file tree, .gitignore, skips) | ${(t1 - t0).toFixed(0)} ms | |`);
lines.push(
  `| read + outline ${files.length} files (${(characters / 1e6).toFixed(1)} M characters, ${definitions} definitions) | ${(t2 - t1).toFixed(0)} ms | ${signed(after.heap - before.heap)} / ${signed(after.external - before.external)} / ${mb(after.rss)} |`,
);
lines.push(`| name table over the folder (first search) | ${nameTableMs.toFixed(0)} ms | |`);
lines.push(
  `| related code, per target (${targets.length} targets, ${found} related found) | median ${quantile(searchMs, 0.5).toFixed(0)} ms, p90 ${quantile(searchMs, 0.9).toFixed(0)} ms, max ${Math.max(...searchMs).toFixed(0)} ms | ${signed(afterSearch.heap - after.heap)} / ${signed(afterSearch.external - after.external)} / ${mb(afterSearch.rss)} |`,
);
if (values.browser)
  lines.push(
    '',
    ...(await inChromium(
      folder,
      repository.files.map((f) => f.path),
    )),
  );
console.log(lines.join('\n'));
if (values.docs) writeBenchmarkSection(values.docs, 'folder-index', [runLine(machineInfo(1, values.browser ? chromiumVersion() : null)), '', ...lines].join('\n'));

/** Open folder in the built app on this tree, from the origin-private file system. */
async function inChromium(folder: ReturnType<typeof nodeFolder>, paths: string[]): Promise<string[]> {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`http://localhost:${address.port}/`);
    await page.getByTestId('source-editor').locator('.view-lines').waitFor();
    // The skipped files are left out of the copy too: the scan never reads them.
    for (let i = 0; i < paths.length; i += 50) {
      const batch = await Promise.all(paths.slice(i, i + 50).map(async (path) => ({ path, base64: Buffer.from(await folder.read(path)).toString('base64') })));
      await page.evaluate(async (files) => {
        const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-folder', { create: true });
        for (const { path, base64 } of files) {
          const parts = path.split('/');
          let dir = top;
          for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
          const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
          await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
          await writable.close();
        }
      }, batch);
    }
    await page.evaluate(() => {
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('bench-folder');
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
    };
    const heapBefore = await heap();
    const started = performance.now();
    await page.getByRole('button', { name: 'Open folder' }).click();
    await page.getByRole('navigation', { name: 'Files' }).waitFor({ timeout: 600_000 });
    const treeMs = performance.now() - started;
    await page.getByText("Outlining the folder's files…").waitFor({ state: 'detached', timeout: 600_000 });
    const indexMs = performance.now() - started;
    const heapAfter = await heap();
    const shown = await page.getByRole('navigation', { name: 'Files' }).getByRole('button').count();
    return [
      `In ${chromiumVersion() ?? 'Chromium'} (the built app, Open folder on the same ${paths.length} files copied into the origin-private file system; times include React drawing the tree):`,
      '',
      '| step | time from the click | JS heap after (DevTools, after GC) |',
      '|---|---:|---|',
      `| file tree shown (${shown - 1} files) | ${treeMs.toFixed(0)} ms | |`,
      `| every source file read and outlined | ${indexMs.toFixed(0)} ms | ${signed(heapAfter - heapBefore)} (${mb(heapAfter)} in all; tree-sitter's WASM memory is not in it) |`,
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
