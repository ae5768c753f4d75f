import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors/inputErrors';
import { checkProgram, isExactMatch } from '../eval/checkProgram';
import { type EvalSummary, summarize, summaryTable, type TaskResult } from '../eval/evalResults';
import { type InfillingTask, infillingSetOf, parseInfillingTasks } from '../eval/infillingTasks';
import { MIDDLE_LENGTHS, type MiddleLength, middleSettings } from '../eval/middleLength';
import { machineInfo } from '../measure/machineInfo';
import { ort } from '../runtime/ortSession';
import { openEvalLog } from './evalLog';
import { pipelineFromFlags, type SamplingFlags } from './patchCommand';
import { ProgressBar, type ProgressStream } from './progressBar';
import { DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT_SECONDS, networkIsolation, pythonExecutable, runProgram, type SandboxLimits } from './pythonSandbox';

export interface EvalFlags extends SamplingFlags {
  data?: string;
  out?: string;
  limit?: string;
  length?: string;
  timeout?: string;
  oracle?: boolean;
  'empty-middle'?: boolean;
  markdown?: boolean;
}

/** What writes each task's middle: the model through the PatchPipeline, or no model at all (the benchmark's own middle, or none). */
interface MiddleWriter {
  /** What the results must say to be reproduced: the mode, and the model's settings where there is one. */
  settings: Record<string, unknown>;
  write(task: InfillingTask): Promise<Omit<TaskResult, 'taskId' | 'passed' | 'result' | 'exactMatch' | 'executionMs'>>;
  release(): Promise<void>;
}

/** The tasks of --data, gunzipped when it is gzip (as data.py's `stream_jsonl` reads .gz), and a digest of them for resuming. */
function readTasks(path: string): { tasks: InfillingTask[]; digest: string } {
  if (!existsSync(path)) throw new InputError(`No such file: ${path} (--data takes a HumanEval-Infilling .jsonl.gz; see docs/cli.md).`);
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new InputError(`${path} is not a readable gzip file (${(error as Error).message}).`);
  }
  return { tasks: parseInfillingTasks(text, path), digest: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

function positiveNumber(value: string | undefined, flag: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (!(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(value) || Number(value) <= 0) throw new InputError(`${flag} must be a positive ${integer ? 'integer' : 'number'} (got "${value}").`);
  return Number(value);
}

/** No model: the canonical middle (pass@1 must be 100%) or an empty one, to hold the scoring against the benchmark itself. */
function fixedWriter(mode: 'oracle' | 'empty'): MiddleWriter {
  return {
    settings: { mode },
    write: async (task) => ({ middle: mode === 'oracle' ? task.canonicalSolution : '', source: mode, syntaxValid: null, tokens: 0, forwardPasses: 0, generationMs: 0 }),
    release: async () => {},
  };
}

/**
 * The model's middle, as a patch is made: the task's text with its middle as the one span to
 * regenerate (PatchPipeline.generateSpans: the family's prompt format, the sampler, remasking, the
 * fallback and the verdict), no instruction, as the infilling evaluations give none
 * (pengzhangzhi/Open-dLLM eval/eval_infill/eval_infill.py: prefix + masks + suffix).
 */
async function modelWriter(flags: EvalFlags, length: MiddleLength): Promise<MiddleWriter> {
  if (flags.strength !== undefined) throw new InputError('builder eval regenerates the whole middle; --strength does not apply.');
  const setup = await pipelineFromFlags(flags, undefined, middleSettings(length));
  const { pipeline } = setup;
  const { config, models } = pipeline.settings;
  const tokenizer = models.diffusion.tokenizer;
  return {
    settings: {
      mode: 'model',
      length,
      model: { id: models.diffusion.manifest.id, quant: models.precision, backend: models.diffusion.backend, fallback: models.fallback?.manifest.id ?? null },
      config,
    },
    async write(task) {
      const start = task.prompt.length;
      const began = performance.now();
      try {
        const patch = await pipeline.generateSpans({
          filePath: `${task.entryPoint}.py`,
          text: task.prompt + task.canonicalSolution + task.suffix,
          spans: [{ start, end: start + task.canonicalSolution.length }],
          instruction: '',
          language: 'python',
        });
        const middle = patch.generatedCode.slice(start, patch.generatedCode.length - task.suffix.length);
        return {
          middle,
          source: patch.sample.path,
          syntaxValid: patch.isValidSyntax,
          tokens: tokenizer.encode(middle).length,
          forwardPasses: patch.sample.nfe,
          generationMs: patch.sample.generationTimeMs,
        };
      } catch (error) {
        // A task the model cannot take (too long for its positions) is a failed task, not a failed run.
        return { middle: '', source: 'error', syntaxValid: false, tokens: 0, forwardPasses: 0, generationMs: Math.round(performance.now() - began), error: (error as Error).message };
      }
    },
    release: setup.release,
  };
}

/** One task: its middle written, its program run under the limits, its record. */
async function scoreTask(task: InfillingTask, writer: MiddleWriter, python: string, limits: SandboxLimits): Promise<TaskResult> {
  const written = await writer.write(task);
  const outcome = await runProgram(checkProgram(task, written.middle), python, limits);
  return { taskId: task.taskId, passed: outcome.passed, result: outcome.result, exactMatch: isExactMatch(task, written.middle), executionMs: outcome.ms, ...written };
}

/** Where the per-task results go beside --out: results.json gets results.tasks.jsonl. */
export function taskLogPath(out: string): string {
  return `${out.replace(/\.json$/, '')}.tasks.jsonl`;
}

/**
 * `builder eval`: scores the middles written for a HumanEval-Infilling set by running each
 * task's tests (pass@1), with exact match, the verdict's syntax rate and the sampler's speed;
 * every task's result is appended as it ends, so a stopped run continues where it stopped.
 */
export async function evalCommand(flags: EvalFlags, stream: ProgressStream = process.stderr): Promise<number> {
  if (!flags.data) throw new InputError('--data FILE is required (a HumanEval-Infilling .jsonl.gz; see docs/cli.md).');
  if (!flags.out) throw new InputError('--out results.json is required.');
  if (flags.oracle && flags['empty-middle']) throw new InputError('--oracle and --empty-middle each replace the model; give one.');
  const length = (flags.length ?? 'oracle') as MiddleLength;
  if (!MIDDLE_LENGTHS.includes(length)) throw new InputError(`--length must be one of ${MIDDLE_LENGTHS.join(', ')} (got "${flags.length}").`);
  const limit = flags.limit === undefined ? Number.POSITIVE_INFINITY : positiveNumber(flags.limit, '--limit', 0, true);
  const timeoutSeconds = positiveNumber(flags.timeout, '--timeout', DEFAULT_TIMEOUT_SECONDS, false);
  const { tasks: all, digest } = readTasks(flags.data);
  const tasks = all.slice(0, limit);
  const set = infillingSetOf(tasks[0]!.taskId);
  const python = pythonExecutable();
  const limits: SandboxLimits = { timeoutSeconds, memoryBytes: DEFAULT_MEMORY_BYTES, network: networkIsolation(python) };
  const writer = flags.oracle ? fixedWriter('oracle') : flags['empty-middle'] ? fixedWriter('empty') : await modelWriter(flags, length);
  try {
    const run = { data: { file: basename(flags.data), set, sha256: digest }, ...writer.settings, sandbox: limits };
    const log = openEvalLog(taskLogPath(flags.out), run);
    const bar = new ProgressBar(stream);
    const phase = `eval ${set}`;
    const scored = () => tasks.filter((task) => log.done.has(task.taskId)).length;
    bar.update({ phase, doneBytes: scored(), totalBytes: tasks.length, unit: 'tasks' });
    for (const task of tasks) {
      if (log.done.has(task.taskId)) continue;
      log.append(await scoreTask(task, writer, python, limits));
      bar.update({ phase, doneBytes: scored(), totalBytes: tasks.length, unit: 'tasks' });
    }
    bar.finishLine();
    const results = tasks.map((task) => log.done.get(task.taskId)!);
    const summary: EvalSummary = summarize(set, results);
    const machine = machineInfo(ort.env.wasm.numThreads ?? 1, null);
    writeFileSync(flags.out, `${JSON.stringify({ run, machine, summary, results }, null, 2)}\n`);
    process.stdout.write(summaryTable([summary], flags.markdown ?? false));
    return 0;
  } finally {
    await writer.release();
  }
}
