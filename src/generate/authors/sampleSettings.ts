import { InputError } from '../../errors/inputErrors';
import { type RemaskingStrategy, SAMPLER_NAMES, type SamplerName } from '../../models/diffusionConfig';
import { defaultSteps } from '../../models/forwardPasses';
import type { SamplerDefaults } from '../../models/modelFamilies';
import { SCHEDULES } from '../../models/noiseSchedule';
import { MAX_SEED } from '../../random/rng';
import type { SampleSettings } from './samplerRun';

/** A sampler's settings where a model's family names no authors' settings for it, per generated token for the steps. */
type BaseSettings = Omit<SampleSettings, 'sampler' | 'steps' | 'seed'> & { stepsPerToken: number; steps?: number };

const NO_BUILDER_KNOBS = { cacheInterval: 0, parallelThreshold: 0, schedule: 'linear' } as const;

/**
 * Each sampler's own defaults, from its authors' config classes: dLLM's MDLMSamplerConfig
 * (block_size 128, steps 128 for max_new_tokens 128, temperature 0, cfg_scale 0, low_confidence;
 * ZHZisZZ/dllm dllm/core/samplers/mdlm.py) and BD3LMSamplerConfig (block_size 32; bd3lm.py), the
 * Dream family's generation config (temperature 0, no top_p; alg entropy as Open-dLLM's
 * MDMGenerationConfig defaults it), SDAR's (JetAstra/SDAR README.md: greedy, denoising_steps = block_length,
 * one step per token, its blocks the graph's; generate.py's confidence_threshold 0.85 as the parallel threshold), and Builder's plain run (one step per token, no guidance, no cache).
 */
const SAMPLER_BASES: Readonly<Record<SamplerName, BaseSettings>> = {
  mdlm: { ...NO_BUILDER_KNOBS, stepsPerToken: 1, blockLength: 128, temperature: 0, topP: 1, topK: 0, cfgScale: 0, remasking: 'low-confidence' },
  bd3lm: { ...NO_BUILDER_KNOBS, stepsPerToken: 1, blockLength: 32, temperature: 0, topP: 1, topK: 0, cfgScale: 0, remasking: 'low-confidence' },
  dream: { ...NO_BUILDER_KNOBS, stepsPerToken: 1, blockLength: null, temperature: 0, topP: 1, topK: 0, cfgScale: 0, remasking: 'entropy' },
  p2: { ...NO_BUILDER_KNOBS, stepsPerToken: 1, blockLength: null, temperature: 0, topP: 1, topK: 0, cfgScale: 0, remasking: 'low-confidence' },
  sdar: { ...NO_BUILDER_KNOBS, parallelThreshold: 0.85, stepsPerToken: 1, blockLength: null, temperature: 0, topP: 1, topK: 0, cfgScale: 0, remasking: 'low-confidence' },
  // modeling.py generate's own defaults (Efficient-Large-Model/Fast_dLLM_v2_1.5B): threshold 1 (one token a step),
  // small_block_size 8 (blockLength here), temperature 0, top_p 0.95 (applied only when sampling), no guidance.
  'fast-dllm-v2': { ...NO_BUILDER_KNOBS, parallelThreshold: 1, stepsPerToken: 1, blockLength: 8, temperature: 0, topP: 0.95, topK: 0, cfgScale: 0, remasking: 'low-confidence' },
  builder: { ...NO_BUILDER_KNOBS, stepsPerToken: 1, blockLength: null, temperature: 0, topP: 1, topK: 0, cfgScale: 1, remasking: 'low-confidence' },
};

/** The settings a run starts from: the family's authors' where `sampler` is theirs, else the sampler's own. */
function baseFor(sampler: SamplerName, authors: SamplerDefaults | null): BaseSettings {
  const base = SAMPLER_BASES[sampler];
  if (!authors || authors.algorithm !== sampler) return base;
  const { stepsPerToken, steps, cfgScale, temperature, topP, blockLength, remasking } = authors;
  return {
    ...base,
    stepsPerToken,
    ...(steps === undefined ? {} : { steps }),
    cfgScale,
    temperature,
    topP,
    blockLength: sampler === 'bd3lm' || sampler === 'mdlm' || sampler === 'fast-dllm-v2' ? blockLength : null,
    remasking,
    ...(authors.threshold === undefined ? {} : { parallelThreshold: authors.threshold }),
  };
}

const isInteger = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const isNumber = (value: unknown, min: number, max = Number.POSITIVE_INFINITY) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
const REMASKING: readonly RemaskingStrategy[] = ['low-confidence', 'random', 'margin', 'entropy'];

/** Each setting's check and what it must be. */
const RULES: { readonly [K in keyof SampleSettings]-?: [(value: unknown) => boolean, string] } = {
  sampler: [(v) => SAMPLER_NAMES.includes(v as SamplerName), `one of ${SAMPLER_NAMES.join(', ')}`],
  steps: [(v) => isInteger(v, 1, 65536), 'an integer from 1 to 65536'],
  blockLength: [(v) => v === null || isInteger(v, 1), 'a positive integer (or null: no blocks)'],
  temperature: [(v) => isNumber(v, 0), 'a number >= 0'],
  topP: [(v) => isNumber(v, 0, 1) && (v as number) > 0, 'a number in (0, 1]'],
  topK: [(v) => isInteger(v, 0), 'an integer >= 0 (0: off)'],
  cfgScale: [(v) => isNumber(v, 0), 'a number >= 0'],
  remasking: [(v) => REMASKING.includes(v as RemaskingStrategy), `one of ${REMASKING.join(', ')}`],
  cacheInterval: [(v) => isInteger(v, 0, 1024), 'an integer from 0 to 1024'],
  parallelThreshold: [(v) => isNumber(v, 0, 1), 'a number from 0 (off) to 1'],
  seed: [(v) => isInteger(v, 0, MAX_SEED), `an integer from 0 to ${MAX_SEED}`],
  schedule: [(v) => SCHEDULES.includes(v as (typeof SCHEDULES)[number]), `one of ${SCHEDULES.join(', ')}`],
};

/**
 * The settings of a run of `fill` positions: the input's over the family's authors' settings when
 * the sampler is theirs (by default it is), else over the sampler's own defaults; steps default to
 * the authors' steps per token times `fill` (or their fixed count). Every bad setting is named in
 * one InputError, and Builder's own knobs (cache interval, parallel threshold) are refused on the
 * authors' samplers, which have none.
 */
export function resolveSampleSettings(input: Readonly<Record<string, unknown>>, authors: SamplerDefaults | null, fill: number): SampleSettings {
  const problems: string[] = [];
  for (const key of Object.keys(input)) if (!Object.hasOwn(RULES, key)) problems.push(`"${key}" is not a setting (${Object.keys(RULES).join(', ')})`);
  const sampler = (input.sampler ?? authors?.algorithm ?? 'builder') as SamplerName;
  if (!RULES.sampler[0](sampler)) throw new InputError(`settings.sampler must be ${RULES.sampler[1]}; got ${JSON.stringify(sampler)}.`);
  const base = baseFor(sampler, authors);
  const { stepsPerToken: _, steps: __, ...rest } = base;
  const settings = { ...rest, sampler, steps: defaultSteps(base, fill), seed: 0, ...input } as SampleSettings;
  for (const [key, [valid, requirement]] of Object.entries(RULES)) {
    const value = settings[key as keyof SampleSettings];
    if (!valid(value)) problems.push(`settings.${key} must be ${requirement}; got ${JSON.stringify(value)}`);
  }
  if (sampler !== 'mdlm' && sampler !== 'bd3lm' && sampler !== 'fast-dllm-v2' && settings.blockLength !== null) {
    problems.push(`settings.blockLength is for the mdlm and bd3lm samplers (and fast-dllm-v2's sub-blocks); the ${sampler} sampler has no blocks (a block-causal graph's own block size applies)`);
  }
  if (sampler !== 'builder') {
    if (settings.cacheInterval !== 0) problems.push(`settings.cacheInterval is Builder's context cache (the ${sampler} sampler's authors run none): use sampler "builder" for it`);
    if (settings.parallelThreshold !== 0 && sampler !== 'fast-dllm-v2' && sampler !== 'sdar')
      problems.push(`settings.parallelThreshold is Builder's (the ${sampler} sampler's authors have none): use sampler "builder" for it`);
  }
  if (problems.length > 0) throw new InputError(`Invalid sample settings: ${problems.join('; ')}.`);
  return settings;
}

/**
 * How a run's settings depart from the authors' settings for the model's family, one sentence
 * each, e.g. `steps 20 (the authors: 64)`; empty where the run is the authors' own.
 */
export function departures(settings: SampleSettings, authors: SamplerDefaults | null, fill: number): string[] {
  if (!authors) return [];
  const own = resolveSampleSettings({}, authors, fill);
  const found: string[] = [];
  for (const key of Object.keys(RULES) as (keyof SampleSettings)[]) {
    if (key === 'seed') continue;
    if (settings[key] !== own[key]) found.push(`${key} ${JSON.stringify(settings[key])} (the authors: ${JSON.stringify(own[key])})`);
  }
  return found;
}
