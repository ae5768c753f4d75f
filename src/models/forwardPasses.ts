import type { DiffusionConfig } from './diffusionConfig';
import type { SamplerDefaults } from './modelFamilies';

/**
 * How many forward passes a run takes and how long, before it starts: the one arithmetic behind
 * the CLI's estimate line (src/cli/passEstimate.ts) and the app's estimate next to Generate
 * (src/ui/generate/RunEstimate.tsx), and the steps the samplers themselves resolve.
 */

/** A sampler's step defaults: a fixed count, or so many per masked token. */
export interface StepDefaults {
  steps?: number;
  stepsPerToken: number;
}

/** Every sampler's own default where the model's authors give none: one step per masked token (sampleSettings.ts's SAMPLER_BASES). */
const ONE_PER_TOKEN: StepDefaults = { stepsPerToken: 1 };

/** The steps defaults give `masks` masked positions: their fixed count, else their steps per token times the masks, at least one. */
export function defaultSteps(defaults: StepDefaults, masks: number): number {
  return defaults.steps ?? Math.max(1, Math.round(defaults.stepsPerToken * masks));
}

/** Masks a span of `originalTokens` tokens gets: ceil(factor x tokens) + extra when regenerated whole; its own tokens at strength < 1. */
export function spanMasks(originalTokens: number, settings: { lengthFactor: number; lengthExtra: number; strength: number }): number {
  return settings.strength >= 1 ? Math.ceil(settings.lengthFactor * originalTokens) + settings.lengthExtra : originalTokens;
}

/**
 * The steps of one denoising of `masks` positions under the config, as the run will resolve them:
 * the setting where it is not 0, else the authors' defaults where their sampler runs (the default
 * choice), else one per token.
 */
export function plannedSteps(config: Pick<DiffusionConfig, 'steps' | 'sampler'>, authors: SamplerDefaults | null, masks: number): number {
  if (config.steps > 0) return config.steps;
  const sampler = config.sampler === 'authors' ? (authors?.algorithm ?? 'builder') : config.sampler;
  return defaultSteps(authors !== null && authors.algorithm === sampler ? authors : ONE_PER_TOKEN, masks);
}

/** Forward passes of a run, counted before it starts. */
export interface PassCount {
  plans: number;
  steps: number;
  passes: number;
  /** Of those, the passes over the masked positions alone against the context cache (0 without it): cheaper than a whole pass. */
  spanPasses: number;
}

/**
 * `plans` denoisings of `steps` steps each; with the context cache every `cacheInterval` steps, one
 * pass in each interval is a whole pass that refreshes it and the rest are span passes. Remasking
 * rounds and the fallback add passes of their own, which no count made before the run can know.
 */
export function forwardPasses(steps: number, plans: number, cacheInterval: number): PassCount {
  const passes = plans * steps;
  const spanPasses = cacheInterval > 0 ? passes - plans * Math.ceil(steps / cacheInterval) : 0;
  return { plans, steps, passes, spanPasses };
}

/** A duration as a person reads it: ms under a second, seconds under two minutes, then minutes. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
