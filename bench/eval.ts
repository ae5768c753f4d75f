/**
 * What `builder eval` measures and costs: the demo model (public/models, random weights) on
 * HumanEval-Infilling's single-line and random-span-light sets, and the time per task of the
 * Open-dCoder 0.5B / Qwen2.5-Coder-0.5B shape (random weights, generated into .bench/eval-models)
 * on WASM and on the native backend, so a user knows what a full run costs. Each run is the real
 * command in a child process, started afresh (its resume log removed), bounded by a timeout.
 * Run: npm run bench:eval [-- --limit N --large-limit N]; with --docs FILE it rewrites its section of the benchmarks page. */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { taskLogPath } from '../src/cli/evalCommand';
import { type EvalSummary, summaryTable } from '../src/eval/evalResults';
import { benchModels } from '../src/measure/benchModels';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { QWEN_CODER_05B } from '../src/measure/benchPlans';
import type { MachineInfo } from '../src/measure/machineInfo';

const { values: options } = parseArgs({ options: { docs: { type: 'string' }, limit: { type: 'string', default: '10' }, 'large-limit': { type: 'string', default: '2' } } });
const DATA = fileURLToPath(new URL('../../shared/eval/human-eval-infilling/', import.meta.url));
const SETS = { 'single-line': 'HumanEval-SingleLineInfilling.jsonl.gz', 'random-span-light': 'HumanEval-RandomSpanInfillingLight.jsonl.gz' };
// A cache of its own: benchModels deletes a shape's folders of other converter versions, which would pull them from under a run of another benchmark.
const CACHE_DIR = fileURLToPath(new URL('../.bench/eval-models/', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../.bench/eval/', import.meta.url));
const BUILDER_CLI = fileURLToPath(new URL('../bin/builder.js', import.meta.url));
const RUN_TIMEOUT_MS = 15 * 60 * 1000;
const SINGLE_LINE_TASKS = 1033;
/** WASM, as the app runs; native, onnxruntime-node on the CPU, as the CLI can. */
const BACKENDS = ['wasm', 'native'] as const;

const log = (line: string) => process.stderr.write(`bench:eval: ${line}\n`);

interface Measured {
  summary: EvalSummary;
  machine: MachineInfo;
  run: {
    length: string;
    model: { id: string; quant: string; backend: string; fallback: string | null };
    config: { sampler: string; steps: number; cfgScale: number; temperature: number; seed: number };
  };
  wallSeconds: number;
}

/** One `builder eval` run from scratch; its results.json. */
async function evaluate(name: string, set: keyof typeof SETS, args: string[]): Promise<Measured> {
  const out = `${OUT_DIR}${name}-${set}.json`;
  rmSync(taskLogPath(out), { force: true });
  log(`${name} on ${set}: builder eval ${args.join(' ')}`);
  const started = performance.now();
  await promisify(execFile)(process.execPath, [BUILDER_CLI, 'eval', '--data', DATA + SETS[set], '--out', out, ...args], { timeout: RUN_TIMEOUT_MS, maxBuffer: 1 << 22 });
  const written = JSON.parse(readFileSync(out, 'utf8')) as Omit<Measured, 'wallSeconds'>;
  return { ...written, wallSeconds: (performance.now() - started) / 1000 };
}

function settingsLine(m: Measured): string {
  const { model, config, length } = m.run;
  return `\`${model.id}\` (${model.quant}, ${model.backend}; fallback \`${model.fallback ?? 'none'}\`), sampler ${config.sampler}, ${config.steps === 0 ? "the authors' steps (0: as many as they take for the masks)" : `${config.steps} steps`}, guidance ${config.cfgScale}, temperature ${config.temperature}, seed ${config.seed}, ${length} length`;
}

if (!existsSync(DATA + SETS['single-line'])) throw new Error(`bench:eval needs HumanEval-Infilling in ${DATA} (docs/cli.md says where to get it).`);
mkdirSync(OUT_DIR, { recursive: true });
const limit = ['--limit', options.limit!];
const demo = [];
for (const set of Object.keys(SETS) as (keyof typeof SETS)[]) demo.push(await evaluate('demo', set, [...limit, '--preset', 'demo']));

const pair = await benchModels(CACHE_DIR, QWEN_CODER_05B, log);
// The fast preset's sampling with the shape's random weights: the time is the shape's, not the weights'.
const large = [];
for (const backend of BACKENDS) {
  const args = ['--limit', options['large-limit']!, '--preset', 'fast', '--model', pair.diffusionDir, '--fallback-model', pair.autoregressiveDir, '--backend', backend];
  large.push(await evaluate(`0.5b-${backend}`, 'single-line', args));
}

const body = [
  runLine(large[0]!.machine),
  '',
  `The demo model, the first ${options.limit} tasks of each set: ${settingsLine(demo[0]!)}; ${demo.map((m) => `${m.summary.set} took ${m.wallSeconds.toFixed(0)} s`).join(', ')} (the command's whole run, model load included).`,
  '',
  summaryTable(
    demo.map((m) => m.summary),
    true,
  ).trimEnd(),
  '',
  `The ${QWEN_CODER_05B.label} (random weights), the first ${options['large-limit']} single-line tasks on each backend; random weights never write valid code, so every task also pays for the remask rounds and the fallback, as a weak model would.`,
  '',
  ...large.flatMap((m) => [
    `${settingsLine(m)}: ${m.wallSeconds.toFixed(0)} s in all; at ${m.summary.secondsPerTask.toFixed(1)} s a task the whole single-line set (${SINGLE_LINE_TASKS.toLocaleString('en')} tasks) would take about ${((m.summary.secondsPerTask * SINGLE_LINE_TASKS) / 3600).toFixed(1)} hours on this machine.`,
    '',
    summaryTable([m.summary], true).trimEnd(),
    '',
  ]),
].join('\n');
process.stdout.write(`${body}\n`);
if (options.docs) writeBenchmarkSection(options.docs, 'eval', body);
