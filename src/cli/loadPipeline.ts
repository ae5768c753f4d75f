import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/inputErrors';
import { PatchPipeline } from '../generate/patchPipeline';
import { type DiffusionConfig, missingModelMessage, type PresetName } from '../models/diffusionConfig';
import type { PrecisionChoice } from '../models/modelPrecision';
import { loadPipelineModels } from '../runtime/pipelineModels';
import { decodeSource } from '../syntax/decodeSource';
import { SyntaxParser } from '../syntax/syntaxParser';
import { type ChosenBackend, type OpenedModel, openModel } from './modelRuntime';
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
  const fallbackDir = config.fallback ? modelFolder(options.fallbackModelDir, config.fallbackModel) : undefined;
  let opened: OpenedModel | undefined;
  const models = await loadPipelineModels({
    diffusion: {
      name: diffusionDir,
      setting: '--model',
      load: async () => {
        opened = await openModel(diffusionDir, options.backend, options.precision);
        return opened.loaded;
      },
    },
    fallback: fallbackDir ? { name: fallbackDir, setting: '--fallback-model', load: async () => (await openModel(fallbackDir, options.backend, options.precision)).loaded } : undefined,
  });
  const { precision, description, runsOn } = opened!;
  const parser = await SyntaxParser.create(nodeWasmLocator);
  const pipeline = new PatchPipeline({
    parser,
    models: { diffusion: models.diffusion, precision, fallback: models.fallback },
    config,
    readSource: options.readSource ?? (async (path) => readSourceFile(path)),
  });
  return { pipeline, description, runsOn, release: models.release };
}
