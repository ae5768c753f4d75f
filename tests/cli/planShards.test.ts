import { describe, expect, it } from 'vitest';
import { parseShard, plansOfShard, shardOf } from '../../src/cli/planShards';
import { createRng } from '../../src/random/rng';

const plans = Array.from({ length: 40 }, (_, i) => ({ filePath: `src/file${i % 13}.py`, editTargets: [`f${i}`] }));

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const key = (plan: { editTargets: string[] }) => plan.editTargets[0]!;

describe('plan shards', () => {
  it('splits the plans into shards that together hold each plan once, a file in one shard only', () => {
    const shards = [0, 1, 2].map((index) => plansOfShard(plans, { index, count: 3 }));
    expect(shards.flat().map(key).sort()).toEqual(plans.map(key).sort());
    const shardOfFile = new Map<string, number>();
    shards.forEach((shard, index) => {
      for (const plan of shard) {
        expect(shardOfFile.get(plan.filePath) ?? index, plan.filePath).toBe(index);
        shardOfFile.set(plan.filePath, index);
      }
    });
    expect(shards.every((shard) => shard.length > 0)).toBe(true);
  });

  it('gives each shard the same plans from a shuffled plans file, in the order of that file', () => {
    const mixed = shuffled(plans, 11);
    expect(mixed.map(key)).not.toEqual(plans.map(key));
    for (const index of [0, 1, 2]) {
      const shard = plansOfShard(plans, { index, count: 3 });
      const fromMixed = plansOfShard(mixed, { index, count: 3 });
      expect(new Set(fromMixed.map(key))).toEqual(new Set(shard.map(key)));
      expect(fromMixed.map(key)).toEqual(mixed.filter((plan) => shardOf(plan.filePath, 3) === index).map(key));
    }
  });

  it('reads I/N from 0 and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1', '-1/3', '0/0', 'a/b']) expect(() => parseShard(bad), bad).toThrow(/--shard must be I\/N/);
  });
});
