import { createHash } from 'node:crypto';
import { InputError } from '../errors/inputErrors';
import type { RefactorPlan } from '../plan/refactorPlan';

/** One of `count` shards of a plans file, `index` from 0 (as Kubernetes' JOB_COMPLETION_INDEX counts). */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard I/N`: shard I of N, 0 <= I < N. */
export function parseShard(spec: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new InputError(`--shard must be I/N with 0 <= I < N (shard I of N, counted from 0 like JOB_COMPLETION_INDEX); got "${spec}".`);
  return { index, count };
}

/**
 * The shard a file's plans go to: from a hash of its path alone, so every plan of one file lands in
 * the same shard (two plans of a file must meet in one batch: the first supersedes the other), and
 * the shards do not change when the plans file is reordered or other files' plans come and go.
 */
export function shardOf(filePath: string, count: number): number {
  return createHash('sha256').update(filePath).digest().readUInt32BE(0) % count;
}

/** The shard's plans, in the plans file's order. */
export function plansOfShard<T extends Pick<RefactorPlan, 'filePath'>>(plans: readonly T[], shard: Shard): T[] {
  return plans.filter((plan) => shardOf(plan.filePath, shard.count) === shard.index);
}
