/**
 * How long outlining a large real file takes in Node once the parser is warm (the issue asks for
 * under 50 ms on a 10,000-line file). Run: npm run bench:outline [-- FILE ...]; with --docs FILE
 * (as npm run bench:outline passes) it rewrites its section of the generated benchmarks page.
 * The default file is React DOM's 10,442-line server renderer, which every install has.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import { analyzeSource } from '../src/syntax/analyzeSource';
import { outline } from '../src/syntax/outline';
import { SyntaxParser } from '../src/syntax/syntaxParser';

const DEFAULT_FILE = 'node_modules/react-dom/cjs/react-dom-server-legacy.browser.development.js';
const RUNS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const parser = await SyntaxParser.create(nodeWasmLocator);
const { values: options, positionals: files } = parseArgs({ options: { docs: { type: 'string' } }, allowPositionals: true });
const rows: string[] = [];
for (const file of files.length > 0 ? files : [DEFAULT_FILE]) {
  const text = readFileSync(file, 'utf8');
  const warm = await analyzeSource(parser, text, basename(file));
  warm.parsed.delete();
  const total: number[] = [];
  const parse: number[] = [];
  const walk: number[] = [];
  let definitions = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const analyzed = await analyzeSource(parser, text, basename(file));
    total.push(performance.now() - t0);
    analyzed.parsed.delete();
    definitions = analyzed.outline.length;
    const t1 = performance.now();
    const parsed = await parser.parse(text, analyzed.language);
    const t2 = performance.now();
    outline(parsed);
    walk.push(performance.now() - t2);
    parse.push(t2 - t1);
    parsed.delete();
  }
  const lines = text.split('\n').length;
  rows.push(`| ${basename(file)} | ${lines} | ${definitions} | ${median(parse).toFixed(1)} | ${median(walk).toFixed(1)} | ${median(total).toFixed(1)} |`);
}
const table = [
  `Outline in Node ${process.version}, warm parser, median of ${RUNS} runs (ms):`,
  '',
  '| file | lines | definitions | parse | outline walk | total (parse + syntax check + outline) |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
];
console.log(table.join('\n'));
if (options.docs) writeBenchmarkSection(options.docs, 'outline', [runLine(machineInfo(1, null)), '', ...table].join('\n'));
