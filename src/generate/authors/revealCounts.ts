/**
 * How many masked tokens each forward pass of the authors' samplers reveals, computed in the
 * authors' own arithmetic (float32 where their tensors are float32), so that counts on a rounding
 * boundary fall the same way as theirs.
 */

const f32 = Math.fround;

/** Python's and torch's round: half to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * dLLM's `get_num_transfer_tokens` (ZHZisZZ/dllm dllm/core/samplers/utils.py) for one block of
 * `masks` masked positions in `steps` steps, with its default LinearAlphaScheduler
 * (dllm/core/schedulers/alpha.py: alpha(t) = 1 - t). Step j runs from t = (steps - j) / steps to
 * s = t - 1 / steps; `reverse_mask_prob(s, t)` = (1 - alpha(s)) / (1 - alpha(t)) is computed on
 * float32 tensors and read back as a Python float, and the step reveals
 * round(remaining x (1 - that)) in float64, half to even (torch.round), of the masks still left.
 * Steps that reveal nothing are dropped, as dLLM compacts the row, so every entry is positive and
 * the entries add up to `masks`.
 */
export function dllmTransferCounts(masks: number, steps: number): number[] {
  if (!Number.isInteger(masks) || masks < 0) throw new RangeError(`masks must be a non-negative integer; got ${masks}.`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer; got ${steps}.`);
  const counts: number[] = [];
  let remaining = masks;
  for (let j = 0; j < steps && remaining > 0; j++) {
    const t = f32((steps - j) / steps);
    const s = f32((steps - j - 1) / steps);
    // alpha(x) = 1 - x, and 1 - alpha(x), each a float32 tensor operation.
    const reverseMaskProbability = f32(f32(1 - f32(1 - s)) / f32(1 - f32(1 - t)));
    const count = Math.min(roundHalfEven(remaining * (1 - reverseMaskProbability)), remaining);
    remaining -= count;
    if (count > 0) counts.push(count);
  }
  return counts;
}

/**
 * `torch.linspace(1, eps, steps + 1)` in float32, as torch's CPU kernel writes each point: the
 * first half counted up from the start, the second half down from the end, with a float32 step.
 */
export function entropyTimesteps(steps: number, eps: number): Float32Array {
  const points = steps + 1;
  const start = 1;
  const end = f32(eps);
  const step = f32(f32(end - start) / (points - 1));
  const halfway = Math.floor(points / 2);
  return Float32Array.from({ length: points }, (_, i) => (i < halfway ? f32(start + f32(step * i)) : f32(end - f32(step * (points - i - 1)))));
}

/** The timestep grid's end: MDMGenerationConfig's and DLMGenerationConfig's default `eps`. */
export const ENTROPY_EPS = 1e-3;

/**
 * How many of `masked` positions pass `i` of `steps` reveals in the Dream-family samplers
 * (SalesforceAIResearch/CoDA CoDALanguageModel/generation_utils.py `_sample`; pengzhangzhi/Open-dLLM
 * veomni/models/transformers/qwen2/generation_utils.py `_mdm_sample`): int(masked x (1 - s / t))
 * over the float32 grid, so the first pass may reveal nothing; the last pass reveals every mask left.
 */
export function entropyRevealCount(masked: number, i: number, timesteps: Float32Array): number {
  const steps = timesteps.length - 1;
  if (i >= steps - 1) return masked;
  const t = timesteps[i]!;
  const s = timesteps[i + 1]!;
  return Math.trunc(f32(f32(masked) * f32(1 - f32(s / t))));
}

/**
 * SDAR's `get_num_transfer_tokens` (JetAstra/SDAR generate.py): a block of `blockLength` positions in
 * `steps` steps, the even split with the remainder given to the first steps.
 */
export function evenTransferCounts(blockLength: number, steps: number): number[] {
  if (!Number.isInteger(blockLength) || blockLength < 1) throw new RangeError(`blockLength must be a positive integer; got ${blockLength}.`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer; got ${steps}.`);
  const base = Math.floor(blockLength / steps);
  const remainder = blockLength % steps;
  return Array.from({ length: steps }, (_, i) => base + (i < remainder ? 1 : 0));
}
