import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/inputErrors';
import { backendsMarkdown } from '../measure/backendReport';
import { type BenchmarkSectionId, writeBenchmarkSection } from '../measure/benchmarksDoc';
import { markdownBrowserReport, markdownReport } from '../measure/benchReport';
import { runBackendBench } from '../measure/runBackendBench';
import { runBench } from '../measure/runBench';
import { runBrowserBench } from '../measure/runBrowserBench';

export interface BenchCommandOptions {
  json?: string;
  /** The generated benchmarks page (docs/benchmarks.md) whose section this run rewrites. */
  docs?: string;
  browser?: boolean;
  quick?: boolean;
  /** One section of the page alone: `backends` measures only native onnxruntime against WASM. */
  section?: string;
}

/** The sections `--section` can measure alone. */
const ALONE = ['backends'] as const;

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
 * FILE, and its own sections of the generated benchmarks page with --docs FILE; on WASM in Node
 * with native onnxruntime against it (issue 26), or with --browser in Chromium on WebGPU and WASM;
 * `--section backends` measures the native comparison alone, which takes minutes where the whole
 * run takes over half an hour.
 */
export async function benchCommand(options: BenchCommandOptions): Promise<number> {
  if (options.section !== undefined && !(ALONE as readonly string[]).includes(options.section)) {
    throw new InputError(`--section ${options.section}: the section measured alone can be ${ALONE.join(', ')}.`);
  }
  if (options.section !== undefined && options.browser) throw new InputError('--section backends runs in Node; leave out --browser.');
  const jsonPath = outputPath('--json', options.json);
  const docsPath = outputPath('--docs', options.docs);
  const benchOptions = { quick: options.quick ?? false, cacheDir: CACHE_DIR, log: (line: string) => process.stderr.write(`bench: ${line}\n`) };
  const written: [BenchmarkSectionId, string][] = [];
  let report: object;
  if (options.section === 'backends') {
    // Written after each part: a run stopped part way keeps what it measured on the page.
    const backends = await runBackendBench({ ...benchOptions, onMeasured: (partial) => docsPath !== undefined && writeBenchmarkSection(docsPath, 'backends', backendsMarkdown(partial)) });
    report = backends;
    written.push(['backends', backendsMarkdown(backends)]);
  } else if (options.browser) {
    const browser = await runBrowserBench(benchOptions);
    report = browser;
    written.push(['browser', markdownBrowserReport(browser)]);
  } else {
    const node = await runBench(benchOptions);
    report = node;
    written.push(['node', markdownReport(node)]);
    if (node.backends) written.push(['backends', backendsMarkdown({ ...node.backends, date: node.date, machine: node.machine })]);
  }
  if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  if (docsPath !== undefined) for (const [id, markdown] of written) writeBenchmarkSection(docsPath, id, markdown);
  process.stdout.write(written.map(([, markdown]) => markdown).join('\n'));
  return 0;
}
