import { describe, expect, it } from 'vitest';
import { maskedFraction, revealCounts, SCHEDULES } from '../../src/models/noiseSchedule';

describe('maskedFraction', () => {
  it('starts with everything masked and ends with nothing masked', () => {
    for (const schedule of SCHEDULES) {
      expect(maskedFraction(schedule, 0)).toBe(1);
      expect(maskedFraction(schedule, 1)).toBe(0);
    }
  });

  it('follows the MaskGIT forms', () => {
    expect(maskedFraction('linear', 0.25)).toBe(0.75);
    expect(maskedFraction('cosine', 0.5)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(maskedFraction('cosine', 1 / 3)).toBeCloseTo(Math.sqrt(3) / 2, 15);
    expect(maskedFraction('sqrt', 0.25)).toBe(0.5);
    expect(maskedFraction('sqrt', 0.81)).toBeCloseTo(0.1, 15);
  });

  it('never rises', () => {
    for (const schedule of SCHEDULES) {
      let previous = Infinity;
      for (let i = 0; i <= 10_000; i++) {
        const fraction = maskedFraction(schedule, i / 10_000);
        expect(fraction <= previous && fraction >= 0 && fraction <= 1).toBe(true);
        previous = fraction;
      }
    }
  });

  it('refuses times outside [0, 1]', () => {
    for (const t of [-0.01, 1.01, Number.NaN]) expect(() => maskedFraction('linear', t)).toThrow(RangeError);
  });
});

describe('revealCounts', () => {
  it('gives the counts worked out by hand', () => {
    // linear 10/4: cumulative targets 2.5, 5, 7.5, 10 round (half up) to 3, 5, 8, 10.
    expect(revealCounts('linear', 10, 4)).toEqual([3, 2, 3, 2]);
    // cosine 10/4: 10 * (1 - cos(k pi / 8)) = 0.76, 2.93, 6.17 -> 1, 3, 6, then 10.
    expect(revealCounts('cosine', 10, 4)).toEqual([1, 2, 3, 4]);
    // sqrt 10/4: 10 * sqrt(k / 4) = 5, 7.07, 8.66 -> 5, 7, 9, then 10.
    expect(revealCounts('sqrt', 10, 4)).toEqual([5, 2, 2, 1]);
    // cosine 20/10: targets 0.25, 0.98, 2.18 would reveal nothing in steps 1 and 3, so the first
    // three steps take one each from later ones; from 3.82 -> 4 on the schedule is met again:
    // 4, 5.86 -> 6, 8.24 -> 8, 10.92 -> 11, 13.82 -> 14, 16.87 -> 17, 20.
    expect(revealCounts('cosine', 20, 10)).toEqual([1, 1, 1, 1, 2, 2, 3, 3, 3, 3]);
    // sqrt 5/4: the target of step 1 (2.5 -> 3) would leave 2 tokens for 3 steps, so it gives one back.
    expect(revealCounts('sqrt', 5, 4)).toEqual([2, 1, 1, 1]);
  });

  it('reveals everything in one step, and one token a step when the span is shorter than the steps', () => {
    for (const schedule of SCHEDULES) {
      expect(revealCounts(schedule, 37, 1)).toEqual([37]);
      expect(revealCounts(schedule, 3, 10)).toEqual([1, 1, 1]);
      expect(revealCounts(schedule, 1, 512)).toEqual([1]);
      expect(revealCounts(schedule, 0, 8)).toEqual([]);
    }
  });

  it('refuses lengths and step counts that are not counts', () => {
    for (const [length, steps] of [
      [-1, 4],
      [2.5, 4],
      [10, 0],
      [10, 1.5],
      [Number.NaN, 4],
    ] as const) {
      expect(() => revealCounts('linear', length, steps)).toThrow(RangeError);
    }
  });

  it('for every schedule, length and step count up to 512: exact totals, one token a step at least, and the schedule met wherever that allows', () => {
    // 3 x 512 x 512 cases, 134 million counts: checked by plain comparisons with the first
    // failures collected, since an expect() per value would take minutes, and against revealed
    // fractions computed once per step count rather than once per count.
    const MAX = 512;
    const failures: string[] = [];
    const fail = (what: string) => {
      if (failures.length < 10) failures.push(what);
    };
    let cases = 0;
    for (const schedule of SCHEDULES) {
      const revealedByStepCount = Array.from({ length: MAX + 1 }, (_, n) => Float64Array.from({ length: n + 1 }, (_, k) => 1 - maskedFraction(schedule, n === 0 ? 0 : k / n)));
      for (let length = 1; length <= MAX; length++) {
        for (let steps = 1; steps <= MAX; steps++) {
          cases++;
          const counts = revealCounts(schedule, length, steps);
          const stepCount = Math.min(steps, length);
          const revealed = revealedByStepCount[stepCount]!;
          if (counts.length !== stepCount) fail(`${schedule} length ${length} steps ${steps}: ${counts.length} counts`);
          let cumulative = 0;
          let maskedBefore = 1;
          for (let k = 1; k <= counts.length; k++) {
            const count = counts[k - 1]!;
            if (!Number.isInteger(count) || count < 1) fail(`${schedule} length ${length} steps ${steps}: step ${k} reveals ${count}`);
            const previous = cumulative;
            cumulative += count;
            const masked = (length - cumulative) / length;
            if (!(masked < maskedBefore)) fail(`${schedule} length ${length} steps ${steps}: masked fraction ${masked} after step ${k} is not below ${maskedBefore}`);
            maskedBefore = masked;
            // The schedule's own target; a count off it by more than rounding must be forced by
            // the one-token-a-step rule: either just one token (the target asked for none) or
            // exactly one token left per remaining step (the target asked for more).
            const target = length * revealed[k]!;
            if (cumulative > target + 0.5 + 1e-9 && cumulative !== previous + 1) fail(`${schedule} length ${length} steps ${steps}: step ${k} reaches ${cumulative}, above target ${target}`);
            if (cumulative < target - 0.5 - 1e-9 && cumulative !== length - (stepCount - k))
              fail(`${schedule} length ${length} steps ${steps}: step ${k} reaches ${cumulative}, below target ${target}`);
          }
          if (cumulative !== length) fail(`${schedule} length ${length} steps ${steps}: reveals ${cumulative} in all`);
        }
      }
    }
    expect(cases).toBe(3 * MAX * MAX);
    expect(failures).toEqual([]);
  });
});
