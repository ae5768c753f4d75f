import { describe, expect, it } from 'vitest';
import { dllmTransferCounts, ENTROPY_EPS, entropyRevealCount, entropyTimesteps, evenTransferCounts } from '../../../src/generate/authors/revealCounts';

describe("dLLM's get_num_transfer_tokens", () => {
  it('splits 24 masks over 10 steps as dLLM does: 2,2,2,3,3,2,2,3,2,3 (float32 ratios, round half to even)', () => {
    expect(dllmTransferCounts(24, 10)).toEqual([2, 2, 2, 3, 3, 2, 2, 3, 2, 3]);
  });

  it('reveals one a step when steps equal the masks, and every mask by the end', () => {
    expect(dllmTransferCounts(8, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    for (const [masks, steps] of [
      [32, 7],
      [5, 32],
      [256, 256],
      [31, 4],
    ]) {
      const counts = dllmTransferCounts(masks!, steps!);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(masks);
      expect(counts.every((c) => c > 0)).toBe(true);
    }
  });

  it('drops the steps that reveal nothing, as dLLM compacts the row (5 masks in 32 steps: 5 passes)', () => {
    expect(dllmTransferCounts(5, 32)).toEqual([1, 1, 1, 1, 1]);
    expect(dllmTransferCounts(0, 4)).toEqual([]);
  });
});

describe("the Dream family's timestep grid", () => {
  it('runs from 1 to eps in steps + 1 float32 points', () => {
    const grid = entropyTimesteps(10, ENTROPY_EPS);
    expect(grid.length).toBe(11);
    expect(grid[0]).toBe(1);
    expect(grid[10]).toBe(Math.fround(1e-3));
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeLessThan(grid[i - 1]!);
  });

  it('with as many steps as masks, the first pass reveals nothing and the last takes what is left', () => {
    const grid = entropyTimesteps(24, ENTROPY_EPS);
    let masked = 24;
    const counts: number[] = [];
    for (let i = 0; i < 24; i++) {
      const count = entropyRevealCount(masked, i, grid);
      counts.push(count);
      masked -= count;
    }
    // int(24 x (1 - s/t)) = int(0.999): the floor, not a rounding, and no "at least one".
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBe(2);
    expect(masked).toBe(0);
  });
});

describe("SDAR's get_num_transfer_tokens", () => {
  it('splits a block evenly over its steps, the remainder to the first steps (JetAstra/SDAR generate.py)', () => {
    expect(evenTransferCounts(4, 4)).toEqual([1, 1, 1, 1]);
    expect(evenTransferCounts(4, 2)).toEqual([2, 2]);
    expect(evenTransferCounts(8, 3)).toEqual([3, 3, 2]);
    expect(evenTransferCounts(4, 3)).toEqual([2, 1, 1]);
  });
});
