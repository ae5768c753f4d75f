import { InputError } from '../../errors/inputErrors';
import type { DiffusionConfig, SamplerName } from '../../models/diffusionConfig';
import { MODEL_FAMILIES, type SamplerDefaults } from '../../models/modelFamilies';
import type { ModelManifest } from '../../models/modelManifest';
import type { SamplerFacts, SampleSettings } from './samplerRun';
import { departures, resolveSampleSettings } from './sampleSettings';

/** What a PatchPipeline run samples with, and how that departs from the model's authors. */
export interface ConfigSampling {
  settings: SampleSettings;
  departures: string[];
}

/** The authors' settings for a model folder: the family table's (current), else what an older manifest recorded. */
export function authorsSampler(manifest: ModelManifest): SamplerDefaults | null {
  const family = MODEL_FAMILIES.find((f) => f.name === manifest.family);
  return family?.sampler ?? (manifest.sampler?.algorithm ? manifest.sampler : null);
}

/** What the samplers read of a diffusion model folder's manifest. */
export function samplerFacts(manifest: ModelManifest): SamplerFacts {
  return {
    maskTokenId: manifest.maskTokenId!,
    logitsShift: manifest.logitsShift ?? 0,
    eosTokenIds: manifest.eosTokenIds,
    padTokenId: manifest.padTokenId,
    graphBlockSize: manifest.attention === 'block-causal' ? (manifest.blockSize ?? null) : null,
  };
}

/**
 * The sampler and settings of one denoising of `fill` positions under the config: `authors` picks
 * the family's authors' sampler; the config's guidance scale (Builder's uncond + s(cond - uncond))
 * becomes dLLM's cfg_scale s - 1, and must be 1 for the Dream-family samplers, which have none;
 * steps 0 are the authors'. dLLM's BD3LM sampler only generates one run after its prompt: where the
 * masks are not that (several targets, a remask round), Builder's block sampler runs, and the
 * departures say so.
 */
export function configSampling(config: DiffusionConfig, manifest: ModelManifest, fill: readonly number[], steps: number): ConfigSampling {
  const authors = authorsSampler(manifest);
  const extra: string[] = [];
  let sampler: SamplerName = config.sampler === 'authors' ? (authors?.algorithm ?? 'builder') : config.sampler;
  if ((sampler === 'bd3lm' || sampler === 'sdar' || sampler === 'fast-dllm-v2') && fill.some((p, i) => p !== fill[0]! + i)) {
    const whose = { bd3lm: "dLLM's BD3LM", sdar: "SDAR's", 'fast-dllm-v2': "Fast-dLLM v2's" }[sampler];
    extra.push(`the masks are not one run after the prompt (several targets or a remask round), which ${whose} sampler cannot fill: Builder's block sampler ran`);
    sampler = 'builder';
  }
  let cfgScale = config.cfgScale;
  if (sampler === 'mdlm' || sampler === 'bd3lm') {
    if (config.cfgScale < 1) throw new InputError(`The ${sampler} sampler's guidance (dLLM's) needs a guidance scale of at least 1 (1: none); got ${config.cfgScale}.`);
    cfgScale = config.cfgScale - 1;
  } else if (sampler === 'dream' || sampler === 'p2' || sampler === 'fast-dllm-v2' || sampler === 'sdar') {
    if (config.cfgScale !== 1) throw new InputError(`The ${sampler} sampler (the model's authors') has no guidance: set guidance to 1, or choose the builder sampler for guidance.`);
    cfgScale = 0;
  }
  const settings = resolveSampleSettings(
    {
      sampler,
      ...(steps > 0 ? { steps } : {}),
      temperature: config.temperature,
      topP: config.topP,
      topK: config.topK,
      cfgScale,
      remasking: config.remasking,
      seed: config.seed,
      ...(sampler === 'builder' ? { cacheInterval: config.cacheInterval, parallelThreshold: config.parallelThreshold, schedule: config.schedule } : {}),
      // Fast-dLLM v2's and SDAR's own threshold; 0 (the presets') keeps the authors'.
      ...((sampler === 'fast-dllm-v2' || sampler === 'sdar') && config.parallelThreshold > 0 ? { parallelThreshold: config.parallelThreshold } : {}),
    },
    authors,
    fill.length,
  );
  if (sampler !== 'builder' && (config.cacheInterval !== 0 || (config.parallelThreshold !== 0 && sampler !== 'fast-dllm-v2' && sampler !== 'sdar'))) {
    throw new InputError(`The context cache and the parallel threshold are Builder's own (the ${sampler} sampler's authors have neither): set them to 0, or choose the builder sampler.`);
  }
  return { settings, departures: [...extra, ...departures(settings, authors, fill.length)] };
}
