import type { RemaskingStrategy, SamplerName } from '../../models/diffusionConfig';
import type { ScheduleName } from '../../models/noiseSchedule';
import type { RevealPass } from '../../plan/revealTrace';
import type { Rng } from '../../random/rng';
import type { BlockRequest, DenoisePrediction, PrefixCache } from '../../runtime/diffusionModel';
import type { MaskPredictor } from '../maskPredictor';

export type { RevealPass, RevealTrace } from '../../plan/revealTrace';

/** Every setting of one run, resolved: what the sampler ran with. */
export interface SampleSettings {
  sampler: SamplerName;
  /** Forward passes the schedule is laid over (per block where the sampler has blocks, it divides them). */
  steps: number;
  /** mdlm and bd3lm: positions per block; fast-dllm-v2: per sub-block (its blocks are the graph's); null where the sampler has no blocks. */
  blockLength: number | null;
  /** 0 picks the most likely token. */
  temperature: number;
  /** 1 turns top-p off. */
  topP: number;
  /** 0 turns top-k off. */
  topK: number;
  /** mdlm and bd3lm: dLLM's scale, un + (s + 1)(cond - un), 0 off; builder: uncond + s(cond - uncond), 1 off. */
  cfgScale: number;
  remasking: RemaskingStrategy;
  /** builder only. */
  cacheInterval: number;
  /** builder, and fast-dllm-v2 (their `threshold`: every masked token of the sub-block more likely than this is revealed). */
  parallelThreshold: number;
  seed: number;
  /** builder only: how many tokens each step reveals. */
  schedule: ScheduleName;
}

/** What the samplers read of a model folder's manifest. */
export interface SamplerFacts {
  maskTokenId: number;
  /** 1: position p is predicted by the logits at p - 1, and position 0 by its own (the authors' shift). */
  logitsShift: 0 | 1;
  /** End-of-text tokens: dLLM's BD3LM sampler stops after a block that holds one. */
  eosTokenIds: readonly number[];
  padTokenId: number;
  /** Block-causal graphs: the block size compiled into their attention. */
  graphBlockSize: number | null;
}

export interface SamplerModel extends MaskPredictor {
  /** Whether the graph returns the negative entropy over the vocabulary (graph version 2 on). */
  readonly hasEntropy: boolean;
  /** Where the model keeps a growing prefix cache (DiffusionModel, with `canCache`): a block's pass against the positions before it. */
  predictAfter?(prefix: PrefixCache | null, request: BlockRequest): Promise<DenoisePrediction>;
  /** The prefix cache grown by a finished block, which is encoded once. */
  extendPrefix?(prefix: PrefixCache | null, tokens: readonly number[], start: number): Promise<PrefixCache>;
}

/** One run of an authors' sampler: `tokens` is the canvas, its `fill` positions masked, changed in place. */
export interface SamplerRun {
  model: SamplerModel;
  facts: SamplerFacts;
  tokens: number[];
  /** The positions to fill, ascending. */
  fill: readonly number[];
  settings: SampleSettings;
  rng: Rng;
  /** Called after every forward pass with what it revealed. */
  onPass(pass: RevealPass): void;
  signal?: AbortSignal;
}

/**
 * The position whose logits predict position p. Under the shift the authors prepend position 0's
 * own logits (`torch.cat([logits[:, :1], logits[:, :-1]], dim=1)`, SalesforceAIResearch/CoDA
 * CoDALanguageModel/generation_utils.py `_sample`; ZHZisZZ/dllm dllm/core/samplers/mdlm.py), so
 * position 0 reads its own rather than a position -1 that does not exist.
 */
export function logitPosition(position: number, logitsShift: 0 | 1): number {
  return position > 0 ? position - logitsShift : position;
}

/** Throws the signal's reason where the run was cancelled. */
export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('Generation was cancelled.', 'AbortError');
}

/** The pass's reveals in the trace's order: ascending positions. */
export function revealPass(revealed: readonly { position: number; token: number }[]): RevealPass {
  const sorted = [...revealed].sort((a, b) => a.position - b.position);
  return { positions: sorted.map((r) => r.position), tokens: sorted.map((r) => r.token) };
}
