/**
 * Noise schedules of the reverse (denoising) process: how much of a masked span is still masked
 * as generation runs from t = 0 (every token masked) to t = 1 (every token revealed).
 *
 * The forms are MaskGIT's mask scheduling functions (Chang et al. 2022, "MaskGIT: Masked
 * Generative Image Transformer", section 3.2), which use the same direction of time:
 * - linear:  1 - t. Reveals the same number of tokens every step; the masking of Dream-style
 *   masked diffusion training is uniform in t, so this matches how those models were trained.
 * - cosine:  cos(pi/2 * t). Reveals few tokens early, while the model knows least, and more later;
 *   MaskGIT's best schedule.
 * - sqrt:    1 - sqrt(t). The opposite: many tokens early, few at the end.
 */
export type ScheduleName = 'linear' | 'cosine' | 'sqrt';

export const SCHEDULES: readonly ScheduleName[] = ['linear', 'cosine', 'sqrt'];

/**
 * The revealed fraction 1 - maskedFraction, written so that it is exact where it can be: the
 * linear schedule's k/n stays k/n rather than 1 - (1 - k/n), which would turn 2.5 tokens into
 * 2.4999999999999996 and round the wrong way. A switch rather than a table of functions, so the
 * engine can inline it into revealCounts' loop.
 */
function revealedFraction(schedule: ScheduleName, t: number): number {
  switch (schedule) {
    case 'linear':
      return t;
    case 'cosine':
      // cos(pi/2) is 6e-17 in floating point, not 0: the end is pinned so nothing stays masked.
      return t === 1 ? 1 : 1 - Math.cos((Math.PI / 2) * t);
    case 'sqrt':
      return Math.sqrt(t);
  }
}

/** The fraction of the span still masked at time t in [0, 1]: 1 at t = 0, 0 at t = 1, never rising. */
export function maskedFraction(schedule: ScheduleName, t: number): number {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`Schedule time must be in [0, 1]; got ${t}.`);
  return 1 - revealedFraction(schedule, t);
}

/**
 * How many tokens each step reveals when `length` masked tokens are denoised in `steps` steps.
 *
 * The cumulative count after step k of n is the schedule's target, length * (1 - masked(k / n)),
 * rounded half up; then every step must reveal at least one token, so a step whose target would
 * reveal none takes one from later steps, and a step whose target would leave fewer masked tokens
 * than steps remaining gives the surplus back to them. The counts add up to `length` exactly, so
 * every token is revealed by the last step.
 *
 * A span shorter than `steps` cannot reveal a token in every step: it then takes `length` steps of
 * one token each, and the array has min(steps, length) entries. An empty span takes no steps.
 */
export function revealCounts(schedule: ScheduleName, length: number, steps: number): number[] {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`Span length must be a non-negative integer; got ${length}.`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`Steps must be a positive integer; got ${steps}.`);
  const stepCount = Math.min(steps, length);
  const counts: number[] = [];
  let previous = 0;
  for (let k = 1; k <= stepCount; k++) {
    const target = Math.round(length * revealedFraction(schedule, k / stepCount));
    // At least one more than before, and at least one token left for each remaining step.
    const cumulative = Math.min(Math.max(target, previous + 1), length - (stepCount - k));
    counts.push(cumulative - previous);
    previous = cumulative;
  }
  return counts;
}
