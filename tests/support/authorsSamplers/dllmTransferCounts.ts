/**
 * ZHZisZZ/dllm dllm/core/samplers/utils.py, get_num_transfer_tokens (deterministic, one row), with the default
 * scheduler of dllm/core/samplers/base.py, LinearAlphaScheduler (dllm/core/schedulers/alpha.py: alpha(t) = 1 - t).
 *
 * For step j of `steps`, t = (steps - j) / steps and s = t - 1 / steps; the step reveals round(remaining * (1 -
 * reverse_mask_prob(s, t))) of the masks still left, where reverse_mask_prob = (1 - alpha(s)) / (1 - alpha(t)) is
 * computed on float32 tensors and the product in float64 (mask_num.to(torch.float64)); torch.round rounds halves
 * to even. The float32 quotient decides the halves: 15 masks at s = 0.5, t = 0.6 give 2.5000002, so 3.
 * The loop stops when nothing is left, and steps that reveal nothing are dropped.
 */
export function dllmTransferCounts(maskCount: number, steps: number): number[] {
  const f32 = Math.fround;
  const alpha = (i: number) => f32(1 - f32(i));
  const reverseMaskProbability = (s: number, t: number) => f32(f32(1 - alpha(s)) / f32(1 - alpha(t)));
  const counts: number[] = [];
  let remaining = maskCount;
  for (let j = 0; j < steps && remaining > 0; j++) {
    const t = (steps - j) / steps;
    const s = (steps - 1 - j) / steps;
    const count = Math.min(roundHalfToEven(remaining * (1 - reverseMaskProbability(s, t))), remaining);
    counts.push(count);
    remaining -= count;
  }
  return counts.filter((count) => count > 0);
}

function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}
