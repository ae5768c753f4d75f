import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/inputErrors';
import { writeBenchmarkSection } from '../measure/benchmarksDoc';
import { markdownBrowserReport, markdownReport } from '../measure/benchReport';
import { runBench } from '../measure/runBench';
import { runBrowserBench } from '../measure/runBrowserBench';

export interface BenchCommandOptions {
  json?: string;
  /** The generated benchmarks page (docs/benchmarks.md) whose section this run rewrites. */
  docs?: string;
  browser?: boolean;
  quick?: boolean;
}

// Generated models are kept here between runs (gitignored): the 0.5B shape takes minutes to make.
const CACHE_DIR = fileURLToPath(new URL('../../.bench/models/', import.meta.url));

/** The absolute path an output option names, checked before the run, so a typo does not cost ten minutes of measuring. */
function outputPath(option: string, given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  const path = resolve(given);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`${option} ${given}: the folder ${folder} does not exist.`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${option} ${given} is a folder; give a file name.`);
  return path;
}

/**
 * `builder bench`: the speed report of issue 6, as a markdown table on stdout, JSON to --json
 * FILE, and its own section of the generated benchmarks page with --docs FILE; on WASM in Node, or
 * with --browser in Chromium on WebGPU and WASM.
 */
export async function benchCommand(options: BenchCommandOptions): Promise<number> {
  const jsonPath = outputPath('--json', options.json);
  const docsPath = outputPath('--docs', options.docs);
  const benchOptions = { quick: options.quick ?? false, cacheDir: CACHE_DIR, log: (line: string) => process.stderr.write(`bench: ${line}\n`) };
  const [report, markdown] = options.browser
    ? await runBrowserBench(benchOptions).then((r) => [r, markdownBrowserReport(r)] as const)
    : await runBench(benchOptions).then((r) => [r, markdownReport(r)] as const);
  if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  if (docsPath !== undefined) writeBenchmarkSection(docsPath, options.browser ? 'browser' : 'node', markdown);
  process.stdout.write(markdown);
  return 0;
}
