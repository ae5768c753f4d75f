import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/inputErrors';
import { bd3lmPadding, dllmBd3lm } from '../../../src/generate/authors/dllmBd3lm';
import { dllmMdlm, mdlmBlocks } from '../../../src/generate/authors/dllmMdlm';
import { dreamEntropy } from '../../../src/generate/authors/dreamEntropy';
import { openDllmP2 } from '../../../src/generate/authors/openDllmP2';
import type { RevealPass, SamplerFacts, SamplerModel, SamplerRun, SampleSettings } from '../../../src/generate/authors/samplerRun';
import { createRng } from '../../../src/random/rng';
import { samplerDouble } from './samplerDouble';

const MASK = 9;
const EOS = 7;
const PAD = 8;
const FACTS: SamplerFacts = { maskTokenId: MASK, logitsShift: 0, eosTokenIds: [EOS], padTokenId: PAD, graphBlockSize: null };
const GREEDY: SampleSettings = {
  sampler: 'mdlm',
  steps: 8,
  blockLength: 8,
  temperature: 0,
  topP: 1,
  topK: 0,
  cfgScale: 0,
  remasking: 'low-confidence',
  cacheInterval: 0,
  parallelThreshold: 0,
  seed: 0,
  schedule: 'linear',
};

/** Runs `sampler` over `length` tokens (100 + position) with `fill` masked; returns the passes and the tokens. */
async function runOf(sampler: (run: SamplerRun) => Promise<void>, model: SamplerModel, length: number, fill: number[], settings: Partial<SampleSettings> = {}, facts: Partial<SamplerFacts> = {}) {
  const tokens = Array.from({ length }, (_, p) => (fill.includes(p) ? MASK : 100 + p));
  const passes: RevealPass[] = [];
  await sampler({ model, facts: { ...FACTS, ...facts }, tokens, fill, settings: { ...GREEDY, ...settings }, rng: createRng(1), onPass: (pass) => passes.push(pass) });
  return { tokens, passes };
}

/** Confidence that falls with the position, so the surest is the leftmost. */
const leftFirst = (position: number) => ({ token: 1000 + position, probability: 0.9 - position / 1000 });

describe("dLLM's MDLM sampler", () => {
  it('lays an answer at the end out in blocks from the prompt end, and an infill in blocks from position 0', () => {
    expect(mdlmBlocks(20, [12, 13, 14, 15, 16, 17, 18, 19], 3).map((b) => b.start)).toEqual([12, 15, 18]);
    expect(mdlmBlocks(20, [5, 6, 7], 8)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 16 },
      { start: 16, end: 20 },
    ]);
  });

  it('reveals only inside the current block, block after block, with the per-block transfer counts', async () => {
    const { model, requests } = samplerDouble(leftFirst);
    // Infill: masks at 6..13 over blocks [0, 8) and [8, 16) of a 20-token sequence: 3 blocks, ceil(6 / 3) = 2 steps each.
    const fill = [6, 7, 8, 9, 10, 11, 12, 13];
    const { tokens, passes } = await runOf(dllmMdlm, model, 20, fill, { steps: 6 });
    expect(passes.map((p) => p.positions)).toEqual([[6], [7], [8, 9, 10], [11, 12, 13]]);
    expect(requests.map((r) => r.positions)).toEqual([[6, 7], [7], [8, 9, 10, 11, 12, 13], [11, 12, 13]]);
    expect(fill.map((p) => tokens[p])).toEqual(fill.map((p) => 1000 + p));
  });

  it('guides as dLLM does: rows weighted cfg + 1 and -cfg, every given token masked in the unconditional row', async () => {
    const { model, requests } = samplerDouble(leftFirst);
    await runOf(dllmMdlm, model, 6, [4, 5], { cfgScale: 2, steps: 2 });
    expect(requests[0]!.rowWeights).toEqual([3, -2]);
    expect(requests[0]!.rows[1]).toEqual([MASK, MASK, MASK, MASK, MASK, MASK]);
    // The unconditional row sees what the sampler revealed.
    expect(requests[1]!.rows[1]).toEqual([MASK, MASK, MASK, MASK, 1004, MASK]);
  });

  it('under the logits shift, position 0 reads its own logits', async () => {
    const { model, requests } = samplerDouble(leftFirst);
    await runOf(dllmMdlm, model, 4, [0, 1], { steps: 2 }, { logitsShift: 1 });
    expect(requests[0]!.positions).toEqual([0, 0]);
  });
});

describe("dLLM's BD3LM sampler", () => {
  it('pads the prompt to the block size, feeds the padding as padding, and asks at the padded positions', async () => {
    expect(bd3lmPadding(20, 8)).toBe(4);
    expect(bd3lmPadding(16, 8)).toBe(0);
    const { model, requests } = samplerDouble(leftFirst);
    const { passes } = await runOf(dllmBd3lm, model, 26, [20, 21, 22, 23, 24, 25], { steps: 6, blockLength: 4 }, { graphBlockSize: 4 });
    // Prompt 20 is a multiple of 4: no padding; blocks [20, 24) and [24, 26), 3 steps each:
    // 4 masks in 3 steps are 1, 2 (1.5 rounds to even), 1; 2 masks are 1, 0 (dropped), 1.
    expect(requests.every((r) => (r.padding ?? 0) === 0)).toBe(true);
    expect(passes.map((p) => p.positions)).toEqual([[20], [21], [22, 23], [24], [25]]);

    const padded = samplerDouble(leftFirst);
    await runOf(dllmBd3lm, padded.model, 24, [18, 19, 20, 21, 22, 23], { steps: 6, blockLength: 4 }, { graphBlockSize: 4 });
    // Prompt 18: padded by 2 to 20, so the first block is positions 18..21 at padded 20..23.
    expect(padded.requests[0]!.padding).toBe(2);
    expect(padded.requests[0]!.rows[0]!.slice(0, 3)).toEqual([PAD, PAD, 100]);
    expect(padded.requests[0]!.rows[0]!.length).toBe(24);
    expect(padded.requests[0]!.positions).toEqual([20, 21, 22, 23]);
  });

  it('stops after the block that holds the end-of-text token; the positions after it stay masked', async () => {
    const { model } = samplerDouble((position) => ({ token: position === 21 ? EOS : 1000 + position, probability: 0.9 - position / 1000 }));
    const { tokens, passes } = await runOf(dllmBd3lm, model, 28, [20, 21, 22, 23, 24, 25, 26, 27], { steps: 8, blockLength: 4 }, { graphBlockSize: 4 });
    expect(tokens.slice(20, 24)).toEqual([1020, EOS, 1022, 1023]);
    expect(tokens.slice(24)).toEqual([MASK, MASK, MASK, MASK]);
    expect(passes.length).toBe(4);
  });

  it('refuses a block length other than the graph compiled in, and an infill', async () => {
    const { model } = samplerDouble(leftFirst);
    await expect(runOf(dllmBd3lm, model, 12, [8, 9], { blockLength: 8 }, { graphBlockSize: 4 })).rejects.toThrow(/blocks of 4/);
    await expect(runOf(dllmBd3lm, model, 12, [4, 9], { blockLength: 4 }, { graphBlockSize: 4 })).rejects.toThrow(InputError);
  });
});

describe("the Dream family's entropy sampler", () => {
  it('ranks by the negative entropy, not the probability, and its first pass may reveal nothing', async () => {
    // Position 5 is the most probable but the least sure by entropy.
    const { model } = samplerDouble((position) => ({ token: 1000 + position, probability: position === 5 ? 0.99 : 0.5, negEntropy: position === 5 ? -3 : -1 - position / 100 }));
    const { passes } = await runOf(dreamEntropy, model, 8, [4, 5, 6, 7], { sampler: 'dream', steps: 4, remasking: 'entropy', blockLength: null });
    expect(passes[0]).toEqual({ positions: [], tokens: [] });
    // 4 masks in 4 passes: int(0.999) = 0, then 1, 1 and the 2 left.
    expect(passes.map((p) => p.positions)).toEqual([[], [4], [6], [5, 7]]);
  });

  it('says plainly that a folder converted before the entropy output must be converted again', async () => {
    const { model } = samplerDouble(leftFirst, { hasEntropy: false });
    const run = runOf(dreamEntropy, model, 8, [4, 5], { sampler: 'dream', remasking: 'entropy', blockLength: null });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/convert it again/);
  });
});

describe("Open-dLLM's p2 sampler", () => {
  it('masks the least confident variable positions again, and records them', async () => {
    // Position 2 is unsure at first and sure later; position 3 the other way round.
    let pass = 0;
    const { model } = samplerDouble((position) => {
      if (position === 2) pass++;
      const early = pass <= 1;
      return { token: 1000 + position, probability: position === 2 ? (early ? 0.1 : 0.9) : early ? 0.9 : 0.2 };
    });
    const { tokens, passes } = await runOf(openDllmP2, model, 4, [2, 3], { sampler: 'p2', steps: 3, blockLength: null });
    // kappa 1/3: floor(2 x 2/3) = 1 masked (2); kappa 2/3: 0 masked; the rest is revealed.
    expect(passes[0]).toEqual({ positions: [3], tokens: [1003], remasked: [] });
    expect(passes[1]).toEqual({ positions: [2], tokens: [1002], remasked: [] });
    expect(tokens.slice(2)).toEqual([1002, 1003]);
  });
});
