import { argmaxWithMargin, logSumExp } from './logitsMath';

/**
 * `sample_tokens` of the entropy family at temperature 0: HKUNLP's Dream (Dream-org/Dream-v0-Instruct-7B
 * generation_utils.py, vendored as ZHZisZZ/dllm dllm/pipelines/dream/models/generation_utils.py),
 * SalesforceAIResearch/CoDA CoDALanguageModel/generation_utils.py and pengzhangzhi/Open-dLLM
 * veomni/models/transformers/qwen2/generation_utils.py, with their `top_p_logits` and `top_k_logits`.
 * At temperature 0 x0 is the argmax of the filtered probabilities; the confidence is that probability or, for
 * alg "entropy", the negative entropy over the whole (filtered) vocabulary.
 */

export interface TokenFilter {
  topP?: number;
  topK?: number;
}

/** How a port takes log(p) for the entropy: Dream and CoDA `log(probs + 1e-10)`, Open-dLLM `log(probs.clamp(min=1e-10))`. */
export type EntropyLog = 'plus-epsilon' | 'clamp';

export type Confidence = { kind: 'probability' } | { kind: 'negative-entropy'; log: EntropyLog };

export interface SampledToken {
  token: number;
  margin: number;
  /** In nats: log of the probability, or the negative entropy. */
  confidence: number;
}

/** torch.finfo(float32).min, what the filters write over a removed logit; exp of it less the peak underflows to 0. */
const REMOVED = -3.4028234663852886e38;
const EPSILON = 1e-10;

/**
 * top_p_logits: keep the most probable tokens until their cumulative probability passes topP, the one that passes
 * it included (sorted_indices_to_remove shifted right by one), and remove the rest. The kept tokens are those at or
 * above the value of the one that passes it.
 */
function topPLogits(logits: Float64Array, topP: number): Float64Array {
  const normaliser = logSumExp(logits);
  const threshold = bucketedTopPThreshold(logits, topP, normaliser) ?? sortedTopPThreshold(logits, topP, normaliser);
  return logits.map((value) => (value < threshold ? REMOVED : value));
}

/** The value of the token whose probability takes the cumulative, in descending order, past topP: a walk down a sorted copy. */
function sortedTopPThreshold(logits: Float64Array, topP: number, normaliser: number): number {
  const descending = Float64Array.from(logits).sort().reverse();
  let cumulative = 0;
  let last = 0;
  while (last < descending.length - 1) {
    cumulative += Math.exp(descending[last]! - normaliser);
    if (cumulative > topP) break;
    last++;
  }
  return descending[last]!;
}

const VALUE_BUCKETS = 4096;
/**
 * Sums of up to 151,936 probabilities taken in another order differ by under 1e-10; a cumulative this close to topP
 * is left to the sorted walk, whose own float sums decide it.
 */
const SUM_TOLERANCE = 1e-9;

/**
 * sortedTopPThreshold's answer without sorting the vocabulary (a sort per position was most of a top-p case's time):
 * the probabilities summed per bucket of values, the buckets walked from the top, and only the bucket where the
 * cumulative passes topP sorted. Null where the cumulative comes within SUM_TOLERANCE of topP, or the values are
 * not finite and distinct, so that the sorted walk decides there.
 */
function bucketedTopPThreshold(logits: Float64Array, topP: number, normaliser: number): number | null {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    low = Math.min(low, logits[i]!);
    high = Math.max(high, logits[i]!);
  }
  if (!Number.isFinite(low) || !Number.isFinite(high) || low === high) return null;
  const scale = VALUE_BUCKETS / (high - low);
  const bucketOf = (value: number) => Math.min(VALUE_BUCKETS - 1, Math.floor((value - low) * scale));
  const mass = new Float64Array(VALUE_BUCKETS);
  for (let i = 0; i < logits.length; i++) {
    const at = bucketOf(logits[i]!);
    mass[at] = mass[at]! + Math.exp(logits[i]! - normaliser);
  }
  let above = 0;
  let bucket = VALUE_BUCKETS - 1;
  while (bucket > 0 && above + mass[bucket]! <= topP) above += mass[bucket--]!;
  const inBucket = Float64Array.from(logits.filter((value) => bucketOf(value) === bucket))
    .sort()
    .reverse();
  let cumulative = above;
  for (const value of inBucket) {
    const before = cumulative;
    cumulative += Math.exp(value - normaliser);
    if (cumulative > topP) return cumulative - topP > SUM_TOLERANCE && topP - before > SUM_TOLERANCE ? value : null;
  }
  return null;
}

/** top_k_logits: remove every logit below the k-th largest. */
function topKLogits(logits: Float64Array, topK: number): Float64Array {
  const k = Math.min(topK, logits.length);
  const kth = Float64Array.from(logits).sort().reverse()[k - 1]!;
  return logits.map((value) => (value < kth ? REMOVED : value));
}

export function sampleToken(raw: Float64Array, filter: TokenFilter, confidence: Confidence): SampledToken {
  let logits = raw;
  if (filter.topP !== undefined && filter.topP < 1) logits = topPLogits(logits, filter.topP);
  if (filter.topK !== undefined) logits = topKLogits(logits, filter.topK);
  const { token, margin } = argmaxWithMargin(logits);
  const normaliser = logSumExp(logits);
  if (confidence.kind === 'probability') return { token, margin, confidence: logits[token]! - normaliser };
  let negativeEntropy = 0;
  for (let i = 0; i < logits.length; i++) {
    const probability = Math.exp(logits[i]! - normaliser);
    negativeEntropy += probability * Math.log(confidence.log === 'clamp' ? Math.max(probability, EPSILON) : probability + EPSILON);
  }
  return { token, margin, confidence: negativeEntropy };
}
