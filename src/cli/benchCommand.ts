import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/inputErrors';
import { markdownBrowserReport, markdownReport } from '../bench/benchReport';
import { runBench } from '../bench/runBench';
import { runBrowserBench } from '../bench/runBrowserBench';

export interface BenchCommandOptions {
  json?: string;
  browser?: boolean;
  quick?: boolean;
}

// Generated models are kept here between runs (gitignored): the 0.5B shape takes minutes to make.
const CACHE_DIR = fileURLToPath(new URL('../../.bench/models/', import.meta.url));

/**
 * `builder bench`: the speed report of issue 6, as a markdown table on stdout and JSON to --json
 * FILE; on WASM in Node, or with --browser in Chromium on WebGPU and WASM.
 */
export async function benchCommand(options: BenchCommandOptions): Promise<number> {
  const jsonPath = options.json === undefined ? undefined : resolve(options.json);
  if (jsonPath !== undefined) {
    // Checked before the run, so a typo does not cost ten minutes of measuring.
    const folder = dirname(jsonPath);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`--json ${options.json}: the folder ${folder} does not exist.`);
    if (existsSync(jsonPath) && statSync(jsonPath).isDirectory()) throw new InputError(`--json ${options.json} is a folder; give a file name.`);
  }
  const benchOptions = { quick: options.quick ?? false, cacheDir: CACHE_DIR, log: (line: string) => process.stderr.write(`bench: ${line}\n`) };
  const [report, markdown] = options.browser
    ? await runBrowserBench(benchOptions).then((r) => [r, markdownBrowserReport(r)] as const)
    : await runBench(benchOptions).then((r) => [r, markdownReport(r)] as const);
  if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown);
  return 0;
}
