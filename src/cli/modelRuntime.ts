import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors/inputErrors';
import type { Backend } from '../models/backendChoice';
import { MANIFEST_FILE, parseManifest } from '../models/modelManifest';
import { MODEL_PRECISIONS, type ModelPrecision, modelGraphPath, PRECISION_PREFERENCE, type PrecisionChoice, precisionsIn } from '../models/modelPrecision';
import { type LoadedModel, loadModel } from '../runtime/loadModel';
import { nodeModelReader } from '../runtime/nodeModelReader';
import { type OrtRuntime, webRuntime } from '../runtime/ortSession';

/** What `--backend` takes in the CLI. */
export const CLI_BACKENDS = ['native', 'wasm', 'cuda'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** The values of RUNTIME_OPTIONS (samplingOptions.ts). */
export interface RuntimeFlags {
  backend?: string;
  /** `--precision`, or its older name `--quant`. */
  precision?: string;
  quant?: string;
}

/** The runtime a command's models run on, and the line that says so. */
export interface ChosenBackend {
  backend: Backend;
  runtime: OrtRuntime;
  /** e.g. "native (onnxruntime-node, CPU)" or "WASM (onnxruntime-web): onnxruntime-node did not load here (...)". */
  label: string;
}

const LABELS: Record<CliBackend, string> = {
  native: 'native (onnxruntime-node, CPU)',
  wasm: 'WASM (onnxruntime-web)',
  cuda: 'CUDA (onnxruntime-node)',
};

/** Bytes of this process's arguments, the way the kernel lays them out (each ends in a NUL). */
function commandLineLength(): number {
  return process.argv.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
}

/** Measured here: 20,000-character prompts loaded a model on onnxruntime-node, 30,000 segfaulted it (25,000 did once); half of the first, for other machines' stacks. */
const NATIVE_COMMAND_LINE_BYTES = 10_000;

/**
 * `--backend`: native where onnxruntime-node loads (its CPU kernels are several times faster than
 * the WASM build's, docs/benchmarks.md), WASM where it does not, said in the label; `cuda` only
 * where onnxruntime-node's CUDA provider is installed, else refused in one line before anything runs.
 */
export async function chooseBackend(flag: string | undefined, commandLineBytes = commandLineLength()): Promise<ChosenBackend> {
  if (flag !== undefined && !(CLI_BACKENDS as readonly string[]).includes(flag)) throw new InputError(`--backend must be ${CLI_BACKENDS.join(', ')}; got "${flag}".`);
  if (flag === 'wasm') return { backend: 'wasm', runtime: webRuntime, label: LABELS.wasm };
  if (commandLineBytes > NATIVE_COMMAND_LINE_BYTES) {
    const why = `the command line is ${commandLineBytes} bytes long, and onnxruntime-node 1.30 overflows its stack while loading a model under a command line past about 25 KB (a 100 KB --prompt crashed it)`;
    if (flag !== undefined) throw new InputError(`--backend ${flag}: ${why}; shorten the prompt or use --backend wasm.`);
    return { backend: 'wasm', runtime: webRuntime, label: `${LABELS.wasm}: ${why}` };
  }
  const { loadNativeRuntime, cudaMissingMessage } = await import('../runtime/nativeRuntime');
  let native: Awaited<ReturnType<typeof loadNativeRuntime>>;
  try {
    native = await loadNativeRuntime();
  } catch (error) {
    const why = `onnxruntime-node did not load here (${(error as Error).message.split('\n')[0]})`;
    if (flag !== undefined) throw new InputError(`--backend ${flag}: ${why}; use --backend wasm.`);
    return { backend: 'wasm', runtime: webRuntime, label: `${LABELS.wasm}: ${why}` };
  }
  if (flag === 'cuda') {
    if (!native.hasCuda) throw new InputError(cudaMissingMessage());
    return { backend: 'cuda', runtime: native, label: LABELS.cuda };
  }
  return { backend: 'native', runtime: native, label: LABELS.native };
}

/** The precision asked for: `--precision` or `--quant` (the same flag under two names), `auto` when neither. */
export function precisionChoice(flags: RuntimeFlags): PrecisionChoice {
  const { precision, quant } = flags;
  if (precision !== undefined && quant !== undefined && precision !== quant) throw new InputError(`--precision ${precision} and --quant ${quant} name the same setting twice; give one.`);
  const choice = precision ?? quant ?? 'auto';
  if (choice !== 'auto' && !(MODEL_PRECISIONS as readonly string[]).includes(choice)) throw new InputError(`--precision must be auto, ${MODEL_PRECISIONS.join(', ')}; got "${choice}".`);
  return choice as PrecisionChoice;
}

/** The precision a folder is loaded at, and in words why. */
export interface ChosenPrecision {
  precision: ModelPrecision;
  /** e.g. "q4 (the best this folder has for native)" or "q8 (asked for)". */
  label: string;
}

/**
 * The precision to load from the folder: the one asked for, refused with the command that makes it
 * where the folder lacks it; under `auto`, the backend's best among those the folder has
 * (PRECISION_PREFERENCE), so a folder converted at one precision runs at it.
 */
export function choosePrecision(dir: string, choice: PrecisionChoice, backend: Backend): ChosenPrecision {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new InputError(`${dir} is not a model folder (no ${MANIFEST_FILE}); make one with builder convert or builder pull.`);
  }
  const has = precisionsIn(parseManifest(text).files.map((file) => file.path));
  if (has.length === 0) throw new InputError(`${dir} lists no ONNX model in its ${MANIFEST_FILE}; convert the checkpoint again with builder convert.`);
  const best = PRECISION_PREFERENCE[backend].find((precision) => has.includes(precision))!;
  if (choice !== 'auto') {
    if (has.includes(choice)) return { precision: choice, label: `${choice} (asked for)` };
    throw new InputError(
      `${dir} has no ${choice} model (${modelGraphPath(choice)}); it has ${has.join(', ')}. Make it from the checkpoint with builder convert --from CHECKPOINT_DIR --out ${dir} --quant ${[...has, choice].join(',')}, or leave out --precision to run at ${best}.`,
    );
  }
  return { precision: best, label: best === PRECISION_PREFERENCE[backend][0] ? `${best} (the best for ${backend})` : `${best} (the best this folder has for ${backend})` };
}

/** A model folder loaded on the chosen backend at the chosen precision. */
export interface OpenedModel {
  loaded: LoadedModel;
  precision: ModelPrecision;
  /** One line for stderr: the folder, the backend and the precision, each with why. */
  description: string;
  /** The backend and precision, short: "native, q4". */
  runsOn: string;
}

/** Loads the model folder `dir` as the flags ask: what `sample`, `eval` and loadPipeline all call. */
export async function openModel(dir: string, backend: ChosenBackend, choice: PrecisionChoice): Promise<OpenedModel> {
  const { precision, label } = choosePrecision(dir, choice, backend.backend);
  const loaded = await loadModel(nodeModelReader(dir), precision, backend.backend, backend.runtime);
  return { loaded, precision, description: `${dir}: ${backend.label}, ${label}`, runsOn: `${backend.backend}, ${precision}` };
}
