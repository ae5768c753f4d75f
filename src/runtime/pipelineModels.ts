import { InputError } from '../errors/inputErrors';
import type { CausalModel } from './causalModel';
import type { DiffusionModel } from './diffusionModel';
import type { LoadedModel } from './loadModel';

/** One model to load, and how the shell names it and the setting that chose it, for a refusal the user can act on. */
export interface ModelToLoad {
  /** A folder (the CLI) or a model id (the app). */
  name: string;
  /** `--model`, `the Model setting`. */
  setting: string;
  load(): Promise<LoadedModel>;
}

/** The models a PatchPipeline runs on: the diffusion model and, where the settings name one, the autoregressive fallback. */
export interface LoadedPipelineModels {
  diffusion: DiffusionModel;
  fallback?: CausalModel;
  /** Settles once both models' files are checked (LoadedModel.integrity); rejects where one is corrupt. */
  integrity: Promise<void>;
  release(): Promise<void>;
}

/**
 * Loads the diffusion model and then the fallback, each checked to be of its kind, for the CLI and
 * the engine worker alike: a folder of the wrong kind is the user's to fix, said once, and a
 * fallback that fails to load releases the diffusion model loaded before it.
 */
export async function loadPipelineModels(models: { diffusion: ModelToLoad; fallback?: ModelToLoad }): Promise<LoadedPipelineModels> {
  const first = await models.diffusion.load();
  if (first.kind !== 'diffusion') {
    await first.model.release();
    throw new InputError(`${models.diffusion.name} holds an autoregressive model; ${models.diffusion.setting} needs a diffusion model.`);
  }
  const diffusion = first.model;
  let second: LoadedModel | undefined;
  try {
    second = await models.fallback?.load();
    if (second && second.kind !== 'autoregressive') {
      await second.model.release();
      throw new InputError(`${models.fallback!.name} holds a diffusion model; ${models.fallback!.setting} needs an autoregressive one.`);
    }
  } catch (error) {
    await diffusion.release();
    throw error;
  }
  const fallback = second?.kind === 'autoregressive' ? second.model : undefined;
  const integrity = Promise.all([first.integrity, second?.integrity]).then(() => undefined);
  integrity.catch(() => undefined);
  return {
    diffusion,
    fallback,
    integrity,
    release: async () => {
      await diffusion.release();
      await fallback?.release();
    },
  };
}
