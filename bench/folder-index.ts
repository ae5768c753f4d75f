/**
 * What opening a folder costs: the scan (the file tree, .gitignore and skips), reading and outlining
 * every source file (the index), the memory that holds, and the related-code search per target.
 * Measured in Node (not Chromium: the same core code runs in both, but this script has no page to
 * drive it in), on a real tree of about 1,000 source files: monaco-editor's own ESM source of
 * vs/base, vs/platform and vs/editor, copied once into .bench/monaco-vs.
 *
 * Run: npm run bench:folder-index [-- --root DIR] [--targets N]; with --docs FILE the table goes into
 * that page's folder-index section.
 */
import { cpSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runLine, writeBenchmarkSection } from '../src/bench/benchmarksDoc';
import { machineInfo } from '../src/bench/machineInfo';
import { nodeFolder } from '../src/cli/nodeFolder';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { findRelatedCode } from '../src/core/relatedCode';
import { scanRepository, skippedNote } from '../src/core/repository';
import { RepositoryIndex } from '../src/core/repositoryIndex';
import { SyntaxParser } from '../src/core/syntaxParser';

const MONACO = 'node_modules/monaco-editor/esm/vs';
const DEFAULT_ROOT = '.bench/monaco-vs';

const { values } = parseArgs({ options: { root: { type: 'string' }, targets: { type: 'string', default: '30' }, docs: { type: 'string' } } });
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
lines.push(`Folder index in Node ${process.version} (${root}): ${repository.files.length} files listed, ${files.length} outlined, ${repository.skipped.length} skipped, ${index.unreadable.length} unreadable.`);
lines.push(skippedNote(repository) ?? 'Nothing skipped.');
lines.push('');
lines.push('| step | time | memory after (heap / external incl. WASM / RSS) |');
lines.push('|---|---:|---|');
lines.push(`| scan (file tree, .gitignore, skips) | ${(t1 - t0).toFixed(0)} ms | |`);
lines.push(`| read + outline ${files.length} files (${(characters / 1e6).toFixed(1)} M characters, ${definitions} definitions) | ${(t2 - t1).toFixed(0)} ms | ${signed(after.heap - before.heap)} / ${signed(after.external - before.external)} / ${mb(after.rss)} |`);
lines.push(`| name table over the folder (first search) | ${nameTableMs.toFixed(0)} ms | |`);
lines.push(`| related code, per target (${targets.length} targets, ${found} related found) | median ${quantile(searchMs, 0.5).toFixed(0)} ms, p90 ${quantile(searchMs, 0.9).toFixed(0)} ms, max ${Math.max(...searchMs).toFixed(0)} ms | ${signed(afterSearch.heap - after.heap)} / ${signed(afterSearch.external - after.external)} / ${mb(afterSearch.rss)} |`);
console.log(lines.join('\n'));
if (values.docs) writeBenchmarkSection(values.docs, 'folder-index', [runLine(machineInfo(1, null)), '', ...lines].join('\n'));
