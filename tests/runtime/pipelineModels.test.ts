import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { type LoadedModel, loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { loadPipelineModels, type ModelToLoad } from '../../src/runtime/pipelineModels';
import { tinyModel } from '../support/tinyModels';

let diffusionDir: string;
let autoregressiveDir: string;

beforeAll(async () => {
  [diffusionDir, autoregressiveDir] = (await Promise.all([tinyModel('diffusion'), tinyModel('autoregressive')])).map((model) => model.modelDir) as [string, string];
});

/** A tiny model folder to load at fp32 on WASM, recording whether what it loaded was released. */
function folder(dir: string, setting: string, released: string[]): ModelToLoad {
  return {
    name: dir,
    setting,
    load: async (): Promise<LoadedModel> => {
      const loaded = await loadModel(nodeModelReader(dir), 'fp32', 'wasm');
      const release = loaded.model.release.bind(loaded.model);
      loaded.model.release = async () => {
        released.push(setting);
        await release();
      };
      return loaded;
    },
  };
}

describe('loadPipelineModels', () => {
  it('loads the diffusion model and the fallback, each of its kind', async () => {
    const released: string[] = [];
    const models = await loadPipelineModels({ diffusion: folder(diffusionDir, '--model', released), fallback: folder(autoregressiveDir, '--fallback-model', released) });
    expect(models.diffusion.manifest.kind).toBe('diffusion');
    expect(models.fallback?.manifest.kind).toBe('autoregressive');
    await expect(models.integrity).resolves.toBeUndefined();
    await models.release();
    expect(released).toEqual(['--model', '--fallback-model']);
  });

  it('refuses a model of the wrong kind in words naming its setting, releasing what it loaded', async () => {
    const released: string[] = [];
    const wrongDiffusion = loadPipelineModels({ diffusion: folder(autoregressiveDir, '--model', released) });
    await expect(wrongDiffusion).rejects.toThrow(InputError);
    await expect(wrongDiffusion).rejects.toThrow(`${autoregressiveDir} holds an autoregressive model; --model needs a diffusion model.`);
    const wrongFallback = loadPipelineModels({ diffusion: folder(diffusionDir, '--model', released), fallback: folder(diffusionDir, '--fallback-model', released) });
    await expect(wrongFallback).rejects.toThrow(`${diffusionDir} holds a diffusion model; --fallback-model needs an autoregressive one.`);
    expect(released.sort()).toEqual(['--fallback-model', '--model', '--model']);
  });
});
