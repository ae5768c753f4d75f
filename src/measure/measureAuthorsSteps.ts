import { samplerFacts } from '../generate/authors/configSampling';
import { resolveSampleSettings } from '../generate/authors/sampleSettings';
import { buildMaskedSequence } from '../generate/maskedSequence';
import { sampleTokens } from '../generate/sampleTokens';
import type { Backend } from '../models/backendChoice';
import { createDiffusionConfig } from '../models/diffusionConfig';
import { familyByName } from '../models/modelFamilies';
import type { ModelPrecision } from '../models/modelPrecision';
import { createRng } from '../random/rng';
import type { LoadedModel } from '../runtime/loadModel';
import { contextFiles } from './contextFiles';
import { settle } from './measureAutoregressive';

/** The family whose published checkpoint has the benchmark's 0.5B shape and whose authors' settings are timed: dLLM's Qwen2.5-Coder-0.5B MDLM. */
export const AUTHORS_FAMILY = 'a2d-mdlm';

/** One backend's steps at the authors' exact settings on one file. */
export interface AuthorsSteps {
  backend: Backend;
  precision: ModelPrecision;
  fileTokens: number;
  sequenceTokens: number;
  spanTokens: number;
  masks: number;
  /** The steps the authors' settings give those masks: the run's length in forward passes. */
  steps: number;
  /** Steps timed (after the first, which pays for the session's allocations) and their mean. */
  timedSteps: number;
  msPerStep: number;
}

export interface AuthorsStepsOptions {
  load(backend: Backend, precision: ModelPrecision): Promise<LoadedModel>;
  /** Source text; the file is cut from it around a span of `spanTokens`, as the other measurements cut theirs. */
  source: string;
  fileTokens: number;
  spanTokens: number;
  instruction: string;
  /** Steps timed after the untimed first; the run is stopped there (the whole run at 2,000 tokens on WASM takes over an hour). */
  timedSteps: number;
  log(line: string): void;
}

/**
 * The time per step of the authors' own sampler at their settings (dLLM's MDLM: one step per
 * masked token, no guidance, no cache: every step a whole pass over the sequence), with the masks
 * `builder patch` gives the span (its default mask length), stopped after a few steps: every step
 * of that sampler costs the same whole pass, so a few say what the whole run costs.
 */
export async function measureAuthorsSteps(backend: Backend, precision: ModelPrecision, options: AuthorsStepsOptions): Promise<AuthorsSteps> {
  const loaded = await options.load(backend, precision);
  if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
  const model = loaded.model;
  try {
    await settle();
    const { manifest, tokenizer } = model;
    const [file] = contextFiles(tokenizer, options.source, [options.fileTokens], options.spanTokens);
    const config = createDiffusionConfig({});
    const sequence = buildMaskedSequence({
      tokenizer,
      template: manifest.promptTemplate,
      instruction: options.instruction,
      text: file!.text,
      spans: [file!.span],
      maskTokenId: manifest.maskTokenId!,
      maxPositions: manifest.maxPositions,
      lengthFactor: config.maskLengthFactor,
      lengthExtra: config.maskLengthExtra,
      strength: 1,
      rng: createRng(0),
    });
    const fill = sequence.masked.flatMap((masked, position) => (masked ? [position] : []));
    const settings = resolveSampleSettings({}, familyByName(AUTHORS_FAMILY).sampler, fill.length);
    const stop = new AbortController();
    const passEnds: number[] = [];
    const started = performance.now();
    try {
      await sampleTokens(model, samplerFacts(manifest), { tokens: sequence.tokens, fill, condition: sequence.condition }, settings, {
        signal: stop.signal,
        onPass: (_, passes) => {
          passEnds.push(performance.now());
          if (passes > options.timedSteps) stop.abort(new Error('enough steps timed'));
        },
      });
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
    const timed = passEnds.length - 1;
    const msPerStep = (passEnds.at(-1)! - passEnds[0]!) / timed;
    options.log(
      `  ${backend} at ${precision}: ${settings.steps} steps at the authors' settings, ${msPerStep.toFixed(0)} ms per step (${timed} timed; first ${(passEnds[0]! - started).toFixed(0)} ms)`,
    );
    return {
      backend,
      precision,
      fileTokens: options.fileTokens,
      sequenceTokens: sequence.tokens.length,
      spanTokens: options.spanTokens,
      masks: fill.length,
      steps: settings.steps,
      timedSteps: timed,
      msPerStep,
    };
  } finally {
    await model.release();
  }
}
