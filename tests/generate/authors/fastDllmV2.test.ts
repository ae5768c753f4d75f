import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/inputErrors';
import { fastDllmV2 } from '../../../src/generate/authors/fastDllmV2';
import type { RevealPass, SamplerFacts, SamplerModel, SampleSettings } from '../../../src/generate/authors/samplerRun';
import { createRng } from '../../../src/random/rng';
import { samplerDouble } from './samplerDouble';

const MASK = 9;
const STOP = 7;
// Blocks of 8 in sub-blocks of 4: the published 32 and 8, shrunk so a test can spell every pass.
const FACTS: SamplerFacts = { maskTokenId: MASK, logitsShift: 1, eosTokenIds: [STOP], padTokenId: STOP, graphBlockSize: 8 };
const SETTINGS: SampleSettings = {
  sampler: 'fast-dllm-v2',
  steps: 1,
  blockLength: 4,
  temperature: 0,
  topP: 0.95,
  topK: 0,
  cfgScale: 0,
  remasking: 'low-confidence',
  cacheInterval: 0,
  parallelThreshold: 0.9,
  seed: 0,
  schedule: 'linear',
};

async function runOf(model: SamplerModel, length: number, fill: number[], settings: Partial<SampleSettings> = {}, facts: Partial<SamplerFacts> = {}) {
  const tokens = Array.from({ length }, (_, p) => (fill.includes(p) ? MASK : 100 + p));
  const passes: RevealPass[] = [];
  await fastDllmV2({ model, facts: { ...FACTS, ...facts }, tokens, fill, settings: { ...SETTINGS, ...settings }, rng: createRng(1), onPass: (pass) => passes.push(pass) });
  return { tokens, passes };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("Fast-dLLM v2's sampler", () => {
  // The token the double predicts for position p (asked at p - 1 under the shift), and its probability.
  const predicted: Record<number, { token: number; probability: number }> = {
    3: { token: 1003, probability: 0.5 },
    4: { token: 1004, probability: 0.95 },
    5: { token: 1005, probability: 0.5 },
    6: { token: 1006, probability: 0.85 },
    7: { token: 1007, probability: 0.6 },
    8: { token: 1008, probability: 0.3 },
    9: { token: 1009, probability: 0.5 },
    10: { token: STOP, probability: 0.99 },
    11: { token: 1011, probability: 0.95 },
  };
  const double = () => samplerDouble((asked) => predicted[asked + 1] ?? { token: 2000 + asked, probability: 0.99 }, { canCache: true });

  it('reveals over the threshold within the sub-block, the surest always, opens each block with the argmax of the last one, and stops at the stop token', async () => {
    const { model, requests } = double();
    // A 3-token prompt; the first block [0, 8) holds its tail, the next [8, 16) begins with the argmax token.
    const { tokens, passes } = await runOf(model, 14, range(3, 14));
    expect(passes.map((p) => p.positions)).toEqual([
      [3], // sub-block [0, 4): the one mask, the surest though under the threshold
      [4], // sub-block [4, 8): 4 over 0.9, the others under
      [6], // then the surest, one a step
      [7],
      [5],
      [8], // the full block's pass: its last row's argmax is the next block's first token
      [10, 11], // the stop token and 11 over the threshold; 9 before the stop is still masked, so decoding goes on
      [9],
    ]);
    // Each step asks the sub-block's masked positions one to the left (the shift); the block pass asks its last row.
    expect(requests.map((r) => r.positions)).toEqual([[2], [3, 4, 5, 6], [4, 5, 6], [4, 6], [4], [7], [8, 9, 10], [8]]);
    // Each step passes the whole current block and what comes before it, nothing after.
    expect(requests.map((r) => r.rows[0]!.length)).toEqual([8, 8, 8, 8, 8, 8, 16, 16]);
    // Cut after the stop token, as theirs cuts the answer: 11 was revealed but is masked again, and 12, 13 never were.
    expect(tokens.slice(3)).toEqual([1003, 1004, 1005, 1006, 1007, 1008, 1009, STOP, MASK, MASK, MASK]);
  });

  it('denoises the last block whole, past the positions to fill, until those are filled', async () => {
    // Position 6 (predicted from 5) is the surest of the sub-block 4..7, though past the canvas's end at 5.
    const { model, requests } = samplerDouble((asked) => (asked === 5 ? { token: 1006, probability: 0.6 } : { token: 1000, probability: 0.5 }), { canCache: true });
    const { tokens, passes } = await runOf(model, 5, [3, 4]);
    // Its reveal is a pass of its own, with nothing in the trace; then 4, the first of the equals, and decoding ends.
    expect(passes.map((p) => p.positions)).toEqual([[3], [], [4]]);
    expect(requests[2]!.rows[0]).toEqual([100, 101, 102, 1000, MASK, MASK, 1006, MASK]);
    expect(tokens).toEqual([100, 101, 102, 1000, 1000]);
  });

  it('gives the first position of the first block its own logits, and prefills a prompt that ends on a block boundary', async () => {
    const { model, requests } = samplerDouble(() => ({ token: 1000, probability: 0.99 }), { canCache: true });
    await runOf(model, 4, [0, 1, 2, 3]);
    expect(requests[0]!.positions).toEqual([0, 0, 1, 2]);
    const prefilled = samplerDouble(() => ({ token: 1000, probability: 0.99 }), { canCache: true });
    const { passes } = await runOf(prefilled.model, 12, range(8, 12));
    // The prompt's 8 tokens (one block) give position 8 from their last row; then 9..11 in one step.
    expect(prefilled.requests.map((r) => [r.rows[0]!.length, r.positions])).toEqual([
      [8, [7]],
      [16, [8, 9, 10]],
    ]);
    expect(passes.map((p) => p.positions)).toEqual([[8], [9, 10, 11]]);
  });

  it('refuses what the authors do not run, in one line', async () => {
    const { model } = double();
    await expect(runOf(model, 6, [3, 5])).rejects.toThrow(InputError);
    await expect(runOf(model, 6, [4, 5], {}, { graphBlockSize: null })).rejects.toThrow(/block-causal/);
    await expect(runOf(model, 6, [4, 5], { blockLength: 3 })).rejects.toThrow(/must divide/);
    await expect(runOf(model, 6, [4, 5], { topK: 5 })).rejects.toThrow(/top-k/);
    await expect(runOf(model, 6, [4, 5], { cfgScale: 1 })).rejects.toThrow(/guidance/);
  });
});
