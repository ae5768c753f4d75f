import type { RemaskingStrategy } from '../models/diffusionConfig';
import type { Rng } from '../random/rng';

export interface ChoiceSettings {
  /** 0 picks the most likely token. */
  temperature: number;
  /** Nucleus sampling within the top-k the model returned; 1 keeps them all. */
  topP: number;
  remasking: RemaskingStrategy;
}

export interface TokenChoice {
  token: number;
  /** Higher is revealed first. */
  score: number;
  /** The chosen token's probability: parallel decoding reveals every token at or above a threshold. */
  probability: number;
}

/**
 * Picks a token for one masked position from the model's top-k (values are tempered logits,
 * `logNormalizer` their log-sum-exp over the whole vocabulary), and scores how sure the model is,
 * by the remasking strategy, so the surest positions are revealed first. The `forbidden` token
 * (the mask itself: "revealing" a mask would leave the position masked in all but name) is never
 * chosen; the top-k holds at least two candidates, so another always is.
 */
export function chooseToken(values: ArrayLike<number>, indices: ArrayLike<number>, logNormalizer: number, settings: ChoiceSettings, rng: Rng, forbidden: number): TokenChoice {
  const k = values.length;
  const probabilities = Array.from({ length: k }, (_, i) => (indices[i] === forbidden ? 0 : Math.exp(values[i]! - logNormalizer)));
  let chosen = indices[0] === forbidden ? 1 : 0;
  if (settings.temperature > 0) {
    // Keep the smallest prefix of the (sorted) top-k whose probability reaches topP, then sample in it.
    const total = probabilities.reduce((a, b) => a + b, 0);
    let kept = 0;
    let mass = 0;
    while (kept < k && (kept === 0 || mass < settings.topP * total)) mass += probabilities[kept++]!;
    let target = rng.nextFloat() * mass;
    for (chosen = 0; chosen < kept - 1; chosen++) {
      target -= probabilities[chosen]!;
      if (target < 0) break;
    }
  }
  const p = probabilities[chosen]!;
  let score: number;
  switch (settings.remasking) {
    case 'low-confidence':
      score = p;
      break;
    case 'margin':
      score = probabilities[0]! - (probabilities[1] ?? 0);
      break;
    case 'entropy':
      score = probabilities.reduce((sum, q) => (q > 0 ? sum + q * Math.log(q) : sum), 0);
      break;
    case 'random':
      score = rng.nextFloat();
      break;
  }
  return { token: indices[chosen]!, score, probability: p };
}
