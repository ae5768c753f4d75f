import type { Rng } from '../random/rng';
import { type DenoiseOptions, type DenoiseSettings, type DenoiseStats, denoise } from './denoise';
import type { MaskedSequence } from './maskedSequence';
import type { MaskPredictor } from './maskPredictor';

/**
 * The block sampler of block-causal models, as dLLM's BD3LM sampler runs them (ZHZisZZ/dllm
 * dllm/core/samplers/bd3lm.py): the sequence is cut into blocks of `blockSize` positions from its
 * start, as the model was trained (dllm/core/trainers/bd3lm.py), and the blocks that hold masks
 * are denoised one after another, left to right, with ceil(steps / blocks) steps each. A block
 * sees only itself and the blocks before it, so each step runs over the sequence up to the end of
 * the current block: the first over all of it, caching the keys and values, the others over the
 * block alone against that cache, which stays exact because earlier blocks never see later ones.
 * Changes `sequence` in place.
 */
export async function blockDenoise(model: MaskPredictor, sequence: MaskedSequence, settings: DenoiseSettings, rng: Rng, options: DenoiseOptions & { blockSize: number }): Promise<DenoiseStats> {
  const { blockSize } = options;
  const maskedBlocks = [...new Set(sequence.masked.flatMap((isMasked, position) => (isMasked ? [Math.floor(position / blockSize)] : [])))].sort((a, b) => a - b);
  const stepsPerBlock = Math.max(1, Math.ceil(settings.steps / Math.max(1, maskedBlocks.length)));
  const total: DenoiseStats = { forwardPasses: 0, cacheRefreshes: 0, revealed: 0, readbackBytes: [], cacheBytes: 0, largestReadback: { numbers: 0, positions: 0, k: 0 } };
  for (const [index, block] of maskedBlocks.entries()) {
    const start = block * blockSize;
    const end = Math.min(start + blockSize, sequence.tokens.length);
    const view: MaskedSequence = {
      tokens: sequence.tokens.slice(0, end),
      masked: sequence.masked.slice(0, end),
      condition: { start: Math.min(sequence.condition.start, end), end: Math.min(sequence.condition.end, end) },
      blocks: [{ source: { start: 0, end: 0 }, start, length: end - start }],
    };
    const stats = await denoise(model, view, { ...settings, steps: stepsPerBlock, cacheInterval: stepsPerBlock }, rng, {
      ...options,
      onStep: options.onStep && ((step) => options.onStep!({ ...step, step: index * stepsPerBlock + step.step, total: maskedBlocks.length * stepsPerBlock, revealed: total.revealed + step.revealed })),
    });
    for (let position = start; position < end; position++) {
      sequence.tokens[position] = view.tokens[position]!;
      sequence.masked[position] = view.masked[position]!;
    }
    total.forwardPasses += stats.forwardPasses;
    total.cacheRefreshes += stats.cacheRefreshes;
    total.revealed += stats.revealed;
    total.readbackBytes.push(...stats.readbackBytes);
    total.cacheBytes = Math.max(total.cacheBytes, stats.cacheBytes);
    if (stats.largestReadback.numbers > total.largestReadback.numbers) total.largestReadback = stats.largestReadback;
  }
  return total;
}
