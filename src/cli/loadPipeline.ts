import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/inputErrors';
import { PatchPipeline } from '../generate/patchPipeline';
import { type DiffusionConfig, missingModelMessage, type PresetName } from '../models/diffusionConfig';
import type { PrecisionChoice } from '../models/modelPrecision';
import type { CausalModel } from '../runtime/causalModel';
import type { DiffusionModel } from '../runtime/diffusionModel';
import { decodeSource } from '../syntax/decodeSource';
import { SyntaxParser } from '../syntax/syntaxParser';
import { type ChosenBackend, openModel } from './modelRuntime';
import { nodeWasmLocator } from './wasmFiles';

const MODELS_DIR = fileURLToPath(new URL('../../public/models/', import.meta.url));

export interface PipelineSetup {
  pipeline: PatchPipeline;
  /** The diffusion model's backend and precision, each with why, for the command's output. */
  description: string;
  /** The backend and precision, short ("native, q4"), for the time estimate. */
  runsOn: string;
  release(): Promise<void>;
}

export interface LoadPipelineOptions {
  config: DiffusionConfig;
  preset: PresetName;
  modelDir?: string;
  fallbackModelDir?: string;
  backend: ChosenBackend;
  /** `auto`: each folder at the best precision it has for the backend. */
  precision: PrecisionChoice;
  /** How plans' files are read; by default from disk, relative to the current folder. */
  readSource?: (path: string) => Promise<string>;
}

function modelFolder(explicit: string | undefined, id: string | undefined): string | undefined {
  if (explicit) return explicit;
  if (!id) return undefined;
  const bundled = MODELS_DIR + id;
  return existsSync(`${bundled}/manifest.json`) ? bundled : undefined;
}

/** Reads a source file for a plan, with the same checks as everywhere else. */
export function readSourceFile(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new InputError(`No such file: ${path}`) : error;
  }
  return decodeSource(bytes, path);
}

/** The diffusion model (and the fallback where there is one) on the chosen backend, and a PatchPipeline over them. */
export async function loadPipeline(options: LoadPipelineOptions): Promise<PipelineSetup> {
  const { config, preset } = options;
  const diffusionDir = modelFolder(options.modelDir, config.model);
  if (!diffusionDir) throw new InputError(missingModelMessage(preset, MODELS_DIR));
  const opened = await openModel(diffusionDir, options.backend, options.precision);
  const loaded = opened.loaded;
  if (loaded.kind !== 'diffusion') throw new InputError(`${diffusionDir} holds an autoregressive model; --model needs a diffusion model.`);
  const diffusion: DiffusionModel = loaded.model;
  let fallback: CausalModel | undefined;
  const fallbackDir = config.fallback ? modelFolder(options.fallbackModelDir, config.fallbackModel) : undefined;
  if (fallbackDir) {
    const loadedFallback = (await openModel(fallbackDir, options.backend, options.precision)).loaded;
    if (loadedFallback.kind !== 'autoregressive') throw new InputError(`${fallbackDir} holds a diffusion model; --fallback-model needs an autoregressive one.`);
    fallback = loadedFallback.model;
  }
  const parser = await SyntaxParser.create(nodeWasmLocator);
  const pipeline = new PatchPipeline({ parser, models: { diffusion, quant: opened.precision, fallback }, config, readSource: options.readSource ?? (async (path) => readSourceFile(path)) });
  return {
    pipeline,
    description: opened.description,
    runsOn: opened.runsOn,
    release: async () => {
      await diffusion.release();
      await fallback?.release();
    },
  };
}
