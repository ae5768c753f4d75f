import { revealCounts, type ScheduleName } from '../models/noiseSchedule';
import type { Rng } from '../random/rng';
import type { ContextCache, DenoisePrediction, DenoiseRequest } from '../runtime/diffusionModel';
import { logitPosition, type RevealPass, revealPass } from './authors/samplerRun';
import { type MaskedSequence, spanPositions, unconditionalRow } from './maskedSequence';
import type { MaskPredictor } from './maskPredictor';
import { type ChoiceSettings, chooseToken } from './tokenChoice';

export interface DenoiseSettings extends ChoiceSettings {
  steps: number;
  schedule: ScheduleName;
  /** 1 runs no unconditional row. */
  cfgScale: number;
  /** Candidates per position; 0 turns top-k off. */
  topK: number;
  /** 0: every step passes over the whole sequence; N: every Nth step does, and refreshes the context cache the others use. */
  cacheInterval: number;
  /** 0: off; otherwise every masked token at least this likely is revealed too, beyond the schedule's count. */
  parallelThreshold: number;
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
  /** Called after every forward pass with the positions it revealed and their tokens (the reveal trace). */
  onReveal?(pass: RevealPass): void;
  signal?: AbortSignal;
}

export interface DenoiseStats {
  forwardPasses: number;
  /** Passes over the whole sequence that rebuilt the context cache. */
  cacheRefreshes: number;
  /** Masked positions revealed: over `forwardPasses`, the tokens per forward pass. */
  revealed: number;
  /** Bytes of the predictions read back from the model by each pass, in order. */
  readbackBytes: number[];
  /** Bytes of one context cache (0 without caching), kept from each refresh until the next. */
  cacheBytes: number;
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
 * many to reveal, and the surest of them are, with every other one past the parallel threshold.
 * With a cache interval, every interval-th pass covers the whole sequence and caches the keys and
 * values of the context, and the passes between cover only the spans. Changes `sequence` in place.
 */
export async function denoise(model: MaskPredictor, sequence: MaskedSequence, settings: DenoiseSettings, rng: Rng, options: DenoiseOptions): Promise<DenoiseStats> {
  const masked = sequence.masked;
  const stillMasked = () => {
    const found: number[] = [];
    masked.forEach((isMasked, position) => isMasked && found.push(position));
    return found;
  };
  const counts = revealCounts(settings.schedule, stillMasked().length, settings.steps);
  const guided = settings.cfgScale !== 1 && sequence.condition.end > sequence.condition.start;
  const k =
    settings.temperature === 0 && settings.remasking === 'low-confidence' ? CANDIDATES_WHEN_GREEDY : Math.max(settings.topK > 0 ? settings.topK : CANDIDATES_WHEN_UNLIMITED, CANDIDATES_WHEN_GREEDY);
  // The rows are kept up to date in place, not copied per step: the model reads them before it awaits.
  const unconditional = guided ? unconditionalRow(sequence, options.maskTokenId) : null;
  const rows = unconditional ? [sequence.tokens, unconditional] : [sequence.tokens];
  const rowWeights = guided ? [settings.cfgScale, 1 - settings.cfgScale] : [1];
  const temperature = settings.temperature > 0 ? settings.temperature : 1;
  const caching = settings.cacheInterval > 0 && model.canCache;
  const span = caching ? spanPositions(sequence, options.logitsShift) : [];
  const stats: DenoiseStats = { forwardPasses: 0, cacheRefreshes: 0, revealed: 0, readbackBytes: [], cacheBytes: 0, largestReadback: { numbers: 0, positions: 0, k } };
  let cache: ContextCache | null = null;
  try {
    for (const [step, count] of counts.entries()) {
      await yieldToEvents();
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Generation was cancelled.', 'AbortError');
      const positions = stillMasked();
      if (positions.length === 0) break;
      const request: DenoiseRequest = { rows, positions: positions.map((p) => logitPosition(p, options.logitsShift)), rowWeights, temperature, topK: k };
      let prediction: DenoisePrediction;
      if (!caching) prediction = await model.predict(request);
      else if (cache && step % settings.cacheInterval !== 0) prediction = await model.predictSpan(request, cache);
      else {
        cache?.release();
        cache = null;
        ({ prediction, cache } = await model.predictAndCache(request, span));
        stats.cacheRefreshes++;
        stats.cacheBytes = cache.bytes;
      }
      stats.forwardPasses++;
      stats.readbackBytes.push(prediction.readbackBytes);
      if (prediction.readbackCount > stats.largestReadback.numbers) stats.largestReadback = { numbers: prediction.readbackCount, positions: positions.length, k: prediction.k };
      const choices = positions.map((position, i) => {
        const from = i * prediction.k;
        const choice = chooseToken(
          prediction.values.subarray(from, from + prediction.k),
          prediction.indices.subarray(from, from + prediction.k),
          prediction.logNormalizer[i]!,
          settings,
          rng,
          options.maskTokenId,
        );
        return { position, ...choice };
      });
      // Stable order by score, then position, so equal scores resolve the same way every run.
      choices.sort((a, b) => b.score - a.score || a.position - b.position);
      const threshold = settings.parallelThreshold > 0 ? settings.parallelThreshold : Infinity;
      const revealed = choices.filter((choice, rank) => rank < count || choice.probability >= threshold);
      for (const choice of revealed) {
        sequence.tokens[choice.position] = choice.token;
        if (unconditional) unconditional[choice.position] = choice.token;
        masked[choice.position] = false;
      }
      const revealedNow = revealed.length;
      options.onReveal?.(revealPass(revealed));
      stats.revealed += revealedNow;
      options.onStep?.({ step: step + 1, total: counts.length, revealed: stats.revealed, stillMasked: positions.length - revealedNow });
    }
  } finally {
    cache?.release();
  }
  return stats;
}
