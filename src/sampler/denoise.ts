import { revealCounts, type ScheduleName } from '../core/noiseSchedule';
import type { Rng } from '../core/rng';
import type { DenoisePrediction, DenoiseRequest } from '../model/diffusionModel';
import { unconditionalRow, type MaskedSequence } from './maskedSequence';
import { chooseToken, type ChoiceSettings } from './tokenChoice';

/** What the sampler needs of a diffusion model: one batched forward pass. */
export interface MaskPredictor {
  predict(request: DenoiseRequest): Promise<DenoisePrediction>;
}

export interface DenoiseSettings extends ChoiceSettings {
  steps: number;
  schedule: ScheduleName;
  /** 1 runs no unconditional row. */
  cfgScale: number;
  /** Candidates per position; 0 turns top-k off. */
  topK: number;
}

export interface DenoiseStep {
  step: number;
  total: number;
  /** Tokens revealed so far in this denoising. */
  revealed: number;
  stillMasked: number;
}

export interface DenoiseOptions {
  maskTokenId: number;
  /** 1: the prediction for position p comes from the logits at p - 1. */
  logitsShift: 0 | 1;
  onStep?(step: DenoiseStep): void;
  signal?: AbortSignal;
}

export interface DenoiseStats {
  forwardPasses: number;
  /** The most numbers read back from the model in one step, and the masked positions of that step. */
  largestReadback: { numbers: number; positions: number; k: number };
}

/**
 * Lets queued events run between steps. The model's promises can settle as microtasks, so without
 * this a worker would not see a cancel message until the whole generation had finished.
 */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const CANDIDATES_WHEN_GREEDY = 2;
/** With top-k off, the 64 likeliest tokens stand for the distribution: the rest carry almost no mass. */
const CANDIDATES_WHEN_UNLIMITED = 64;

/**
 * The reverse process: at each step, one forward pass over the conditional row (and the
 * unconditional one under guidance) predicts every still-masked position; the schedule says how
 * many to reveal, and the surest of them are. Changes `sequence` in place.
 */
export async function denoise(model: MaskPredictor, sequence: MaskedSequence, settings: DenoiseSettings, rng: Rng, options: DenoiseOptions): Promise<DenoiseStats> {
  const stillMasked = () => sequence.masked.flatMap((isMasked, position) => (isMasked ? [position] : []));
  const counts = revealCounts(settings.schedule, stillMasked().length, settings.steps);
  const guided = settings.cfgScale !== 1 && sequence.condition.end > sequence.condition.start;
  const k =
    settings.temperature === 0 && settings.remasking === 'low-confidence'
      ? CANDIDATES_WHEN_GREEDY
      : Math.max(settings.topK > 0 ? settings.topK : CANDIDATES_WHEN_UNLIMITED, CANDIDATES_WHEN_GREEDY);
  const stats: DenoiseStats = { forwardPasses: 0, largestReadback: { numbers: 0, positions: 0, k } };
  let revealed = 0;
  for (const [step, count] of counts.entries()) {
    await yieldToEvents();
    if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Generation was cancelled.', 'AbortError');
    const positions = stillMasked();
    // Copies: the sequence changes after this step, the request must not.
    const conditional = sequence.tokens.slice();
    const rows = guided ? [conditional, unconditionalRow(sequence, options.maskTokenId)] : [conditional];
    const prediction = await model.predict({
      rows,
      positions: positions.map((p) => p - options.logitsShift),
      rowWeights: guided ? [settings.cfgScale, 1 - settings.cfgScale] : [1],
      temperature: settings.temperature > 0 ? settings.temperature : 1,
      topK: k,
    });
    stats.forwardPasses++;
    if (prediction.readbackCount > stats.largestReadback.numbers) stats.largestReadback = { numbers: prediction.readbackCount, positions: positions.length, k: prediction.k };
    const choices = positions.map((position, i) => {
      const from = i * prediction.k;
      const choice = chooseToken(
        prediction.values.subarray(from, from + prediction.k),
        prediction.indices.subarray(from, from + prediction.k),
        prediction.logNormalizer[i]!,
        settings,
        rng,
      );
      return { position, ...choice };
    });
    // Stable order by score, then position, so equal scores resolve the same way every run.
    choices.sort((a, b) => b.score - a.score || a.position - b.position);
    for (const choice of choices.slice(0, count)) {
      sequence.tokens[choice.position] = choice.token;
      sequence.masked[choice.position] = false;
    }
    revealed += Math.min(count, choices.length);
    options.onStep?.({ step: step + 1, total: counts.length, revealed, stillMasked: positions.length - Math.min(count, choices.length) });
  }
  return stats;
}
