import type { RemaskingStrategy } from '../../models/diffusionConfig';
import type { Rng } from '../../random/rng';
import type { DenoisePrediction, DenoiseRequest } from '../../runtime/diffusionModel';
import type { MaskPredictor } from '../maskPredictor';
import type { ScoredPosition } from './rankedReveal';

/** What the authors' `sample_tokens` gives for one position, from the model's top-k there. */
export interface PositionChoice {
  token: number;
  /** The token's probability in the distribution it was drawn from (after top-p and top-k). */
  probability: number;
  /** Top-1 minus top-2 probability of that distribution (`topk_margin`). */
  margin: number;
  /** sum of p log(p + 1e-10) over that distribution (`entropy`). */
  negEntropy: number;
  /** False where top-p's nucleus runs past the candidates read back, so the numbers above are those of the candidates alone. */
  exact: boolean;
}

export interface ChoiceFilter {
  temperature: number;
  topP: number;
  topK: number;
}

/** Candidates read back per position: 2 decide a greedy pick without filtering; 64 hold a nucleus at the authors' temperatures. */
export function candidatesFor(filter: ChoiceFilter): number {
  if (filter.temperature === 0 && filter.topP >= 1 && filter.topK === 0) return 2;
  return Math.max(64, filter.topK);
}

/**
 * The Dream family's `sample_tokens` (SalesforceAIResearch/CoDA CoDALanguageModel/generation_utils.py;
 * pengzhangzhi/Open-dLLM veomni/models/transformers/qwen2/generation_utils.py) for the `i`th asked
 * position: logits divided by the temperature (the graph does that), top-p keeps the sorted tokens
 * up to and including the first whose cumulative probability passes `topP` (`top_p_logits`), top-k
 * the `topK` best of those, and the rest is renormalised; a greedy pick takes the most likely,
 * a sampled one draws from it. The negative entropy is the graph's, over the whole vocabulary,
 * where nothing is filtered, and over the kept candidates where something is. The mask token is
 * never chosen (Builder's rule: "revealing" a mask would leave the position masked).
 */
export function choosePosition(prediction: DenoisePrediction, i: number, filter: ChoiceFilter, rng: Rng, forbidden: number): PositionChoice {
  const { k } = prediction;
  const from = i * k;
  const logNormalizer = prediction.logNormalizer[i]!;
  // Plain loops over typed arrays: where a nucleus overflows, k is the whole vocabulary, every position, every pass.
  const probabilities = new Float64Array(k);
  for (let j = 0; j < k; j++) probabilities[j] = Math.exp(prediction.values[from + j]! - logNormalizer);
  let kept = k;
  // Where the candidates' cumulative probability never passes top_p, the nucleus runs past them.
  let exact = true;
  if (filter.topP < 1) {
    let before = 0;
    kept = -1;
    for (let j = 0; j < k; j++) {
      if (j > 0 && before > filter.topP) {
        kept = j;
        break;
      }
      before += probabilities[j]!;
    }
    if (kept === -1) {
      kept = k;
      exact = before > filter.topP;
    }
  }
  if (filter.topK > 0) kept = Math.min(kept, filter.topK);
  const filtered = filter.topP < 1 || filter.topK > 0;
  let mass = 0;
  for (let j = 0; j < kept; j++) mass += probabilities[j]!;
  const q = probabilities.subarray(0, kept);
  if (filtered) for (let j = 0; j < kept; j++) q[j] = q[j]! / mass;
  const token = (j: number) => prediction.indices[from + j]!;
  let chosen = token(0) === forbidden && kept > 1 ? 1 : 0;
  if (filter.temperature > 0) {
    let allowed = 0;
    for (let j = 0; j < kept; j++) if (token(j) !== forbidden) allowed += q[j]!;
    let target = rng.nextFloat() * allowed;
    for (let j = 0; j < kept; j++) {
      if (token(j) === forbidden) continue;
      chosen = j;
      target -= q[j]!;
      if (target < 0) break;
    }
  }
  const whole = prediction.negEntropy?.[i];
  let negEntropy = 0;
  if (!filtered && whole !== undefined) negEntropy = whole;
  else for (let j = 0; j < kept; j++) negEntropy += q[j]! * Math.log(q[j]! + 1e-10);
  return { token: token(chosen), probability: q[chosen]!, margin: q[0]! - (q[1] ?? 0), negEntropy, exact };
}

/** Candidates that hold any nucleus: the whole vocabulary (the model clamps k to its size). */
const WHOLE_VOCABULARY = Number.MAX_SAFE_INTEGER;

/**
 * `choosePosition` for every asked position of one pass. Where top-p's nucleus runs past the
 * candidates read back (a flat distribution: the authors' temperatures keep it within 64), the
 * same rows are read again for those positions with the whole vocabulary as candidates, so the
 * nucleus, its renormalised probabilities and its entropy are exact; the reveal trace counts the
 * step once.
 */
export async function choosePositions(model: MaskPredictor, request: DenoiseRequest, filter: ChoiceFilter, rng: Rng, forbidden: number): Promise<PositionChoice[]> {
  const prediction = await model.predict(request);
  const choices = request.positions.map((_, i) => choosePosition(prediction, i, filter, rng, forbidden));
  const overflowing = choices.flatMap((choice, i) => (choice.exact ? [] : [i]));
  if (overflowing.length === 0) return choices;
  const again = await model.predict({ ...request, positions: overflowing.map((i) => request.positions[i]!), topK: WHOLE_VOCABULARY });
  overflowing.forEach((i, j) => {
    choices[i] = choosePosition(again, j, filter, rng, forbidden);
  });
  return choices;
}

/**
 * dLLM's confidence for each asked position (ZHZisZZ/dllm mdlm.py and bd3lm.py, remasking
 * "low_confidence": the chosen token's probability; "random": a uniform draw), the token chosen
 * first and the draw after it, as they draw.
 */
export function dllmScores(prediction: DenoisePrediction, positions: readonly number[], filter: ChoiceFilter, remasking: RemaskingStrategy, rng: Rng, forbidden: number): ScoredPosition[] {
  return positions.map((position, i) => {
    const choice = choosePosition(prediction, i, filter, rng, forbidden);
    return { position, token: choice.token, score: remasking === 'random' ? rng.nextFloat() : choice.probability };
  });
}
