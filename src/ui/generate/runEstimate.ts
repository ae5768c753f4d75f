import type { DiffusionConfig } from '../../models/diffusionConfig';
import { formatDuration, forwardPasses, type PassCount, plannedSteps, spanMasks } from '../../models/forwardPasses';
import type { SamplerDefaults } from '../../models/modelFamilies';

/** A forward pass timed on this machine and backend: the last run's time per pass, on a sequence of so many tokens. */
export interface MeasuredPass {
  msPerPass: number;
  sequenceTokens: number;
  /** The run's file's characters per token, where the model saw the whole file; null where it saw a window of it. */
  charsPerToken: number | null;
}

/**
 * Characters per token of the Qwen tokenizer on code, until a run has measured the user's own: the
 * real files under fixtures/real/ give 3.6 (Rust) to 4.8 (Java), 4.0 in the middle.
 */
export const CHARS_PER_TOKEN = 4;

export interface RunEstimateInput {
  config: DiffusionConfig;
  /** The model's authors' sampler settings, null where its family publishes none. */
  authors: SamplerDefaults | null;
  /** Characters of each masked span. */
  spanChars: readonly number[];
  fileChars: number;
  measured: MeasuredPass | null;
}

export interface RunEstimate extends PassCount {
  /** Masks of all the spans together: one denoising fills them all. */
  masks: number;
  sequenceTokens: number;
  /** Null until a pass has been measured on this backend. */
  ms: number | null;
}

/**
 * One Generate of the ticked targets, counted before it starts: the masks from the spans' length
 * in tokens (characters over characters per token: the page has no tokenizer), the steps and passes
 * as the run will resolve them (forwardPasses, shared with the CLI's estimate), and their time from
 * the measured pass scaled to this sequence's length (a pass's work grows with the tokens it sees).
 */
export function estimateRun({ config, authors, spanChars, fileChars, measured }: RunEstimateInput): RunEstimate {
  const charsPerToken = measured?.charsPerToken ?? CHARS_PER_TOKEN;
  const spanTokens = spanChars.map((chars) => Math.ceil(chars / charsPerToken));
  const masks = spanTokens.reduce((sum, tokens) => sum + spanMasks(tokens, { lengthFactor: config.maskLengthFactor, lengthExtra: config.maskLengthExtra, strength: config.strength }), 0);
  const count = forwardPasses(plannedSteps(config, authors, masks), 1, config.cacheInterval);
  const fileTokens = Math.ceil(fileChars / charsPerToken);
  const sequenceTokens = Math.min(config.contextTokens, fileTokens - spanTokens.reduce((a, b) => a + b, 0) + masks);
  const ms = measured ? count.passes * measured.msPerPass * (sequenceTokens / measured.sequenceTokens) : null;
  return { ...count, masks, sequenceTokens, ms };
}

/** The estimate in words, e.g. "About 168 forward passes (168 steps) · about 4.2 min on WASM, q8"; `runsOn` names the backend. */
export function estimateText(estimate: RunEstimate, runsOn: string | null): string {
  const passes = `About ${estimate.passes} forward passes (${estimate.steps} steps for about ${estimate.masks} masked tokens in a sequence of about ${estimate.sequenceTokens})`;
  const time =
    estimate.ms === null || runsOn === null ? 'the time shows once a run on this backend has been measured' : `about ${formatDuration(estimate.ms)} on ${runsOn}, from the last run's time per pass`;
  return `${passes} · ${time}; remasking and the fallback add passes.`;
}
