import { describe, expect, it } from 'vitest';
import { dllmBd3lmSample } from './dllmBd3lm';
import { dllmMdlmInfill, dllmMdlmSample } from './dllmMdlm';
import { dllmTransferCounts } from './dllmTransferCounts';
import { entropySample, entropyTransferCount, float32Linspace } from './entropySampler';
import type { ForwardInput, LogitsFunction } from './logitsFunction';
import { openDllmP2Sample, p2MaskedAfter } from './openDllmP2';
import { sampleToken } from './sampleTokens';

const MASK = 9;
const VOCAB = 10;

/**
 * A stand-in model over a vocabulary of 10: at each asked position, token `tokenAt(position)` with logit
 * `confidenceAt(position)` over zeros elsewhere, so the argmax and the order of confidences are set by hand.
 */
function handModel(tokenAt: (position: number, input: ForwardInput) => number, confidenceAt: (position: number, input: ForwardInput) => number, calls: ForwardInput[] = []): LogitsFunction {
  return (input, at) => {
    calls.push(input);
    return at.map((position) => {
      const row = new Float64Array(VOCAB);
      row[tokenAt(position, input)] = confidenceAt(position, input);
      return row;
    });
  };
}

describe("dllm's get_num_transfer_tokens", () => {
  it('splits 24 masks over 10 steps as 2,2,2,3,3,2,2,3,2,3: float32 quotients, halves to even', () => {
    // By hand (remaining x (1 - s/t)): 24 x .1 = 2.4; 22 x 1/9 = 2.44; 20 x .125 = 2.5 -> 2 (even); 18 x 1/7 = 2.57;
    // 15 x (1 - f32(.5)/f32(.6)) = 2.5000003 -> 3; 12 x .2 = 2.4; 10 x .25 = 2.4999994 -> 2; 8 x 1/3 = 2.67;
    // 5 x .5 = 2.4999991 -> 2; then the 3 left. In float64, 20 x (1 - .7/.8) = 2.5000000000000022 would give 3.
    expect(dllmTransferCounts(24, 10)).toEqual([2, 2, 2, 3, 3, 2, 2, 3, 2, 3]);
  });

  it('gives one token a step with as many steps as masks, and drops the steps that reveal nothing', () => {
    expect(dllmTransferCounts(8, 8)).toEqual(new Array(8).fill(1));
    expect(dllmTransferCounts(8, 32)).toEqual(new Array(8).fill(1));
    expect(dllmTransferCounts(8, 4)).toEqual([2, 2, 2, 2]);
    expect(dllmTransferCounts(0, 4)).toEqual([]);
  });
});

describe("the entropy family's schedule", () => {
  it('takes linspace(1, eps, steps + 1) in float32, and reveals int(n(1 - s/t)): the first of 24 steps over 24 masks reveals nothing', () => {
    const timesteps = float32Linspace(1, 1e-3, 25);
    expect(timesteps[0]).toBe(1);
    expect(timesteps[24]).toBe(Math.fround(1e-3));
    // 24 x (1 - 0.958375) = 0.999, truncated.
    expect(entropyTransferCount(24, 0, 24, timesteps)).toBe(0);
    expect(entropyTransferCount(24, 1, 24, timesteps)).toBe(1);
    expect(entropyTransferCount(5, 23, 24, timesteps)).toBe(5);
  });

  it('reveals by negative entropy over the whole vocabulary, reads logits shifted right by one, and fills every mask', () => {
    // Position p's own logits (read for p + 1) put token p % 5 at logit 2 + p: a surer row, a higher negative entropy.
    const calls: ForwardInput[] = [];
    const model = handModel(
      (position) => position % 5,
      (position) => 2 + position,
      calls,
    );
    const run = entropySample(model, [1, 2, MASK, MASK, MASK, 3], { maskId: MASK, steps: 3, log: 'plus-epsilon' });
    // Step 0: t = 1, s = 0.667: int(3 x 0.333) = 0 (float32: 0.99900013 -> 0); step 1: int(3 x 0.4995) = 1; step 2: the rest.
    expect(run.passes.map((pass) => pass.positions)).toEqual([[], [4], [2, 3]]);
    expect(run.tokens).toEqual([1, 2, 1, 2, 3, 3]);
    expect(calls).toHaveLength(3);
  });
});

describe("dllm's MDLM sampler", () => {
  it('reveals inside the current block only, blocks counted from the end of the prompt', () => {
    // Later positions are surer; without blocks the last ones would come first.
    const run = dllmMdlmSample(
      handModel(
        () => 4,
        (position) => position,
      ),
      [1, 2, 3],
      8,
      { maskId: MASK, steps: 8, blockSize: 4 },
    );
    // Two blocks, 3..6 and 7..10, four steps of one token each.
    expect(run.passes.map((pass) => pass.positions)).toEqual([[6], [5], [4], [3], [10], [9], [8], [7]]);
    expect(run.tokens).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  it('infills with blocks counted from position 0 over the whole sequence, steps shared by all its blocks', () => {
    // 8 positions, blocks of 4: 2 blocks, ceil(2 / 2) = 1 step each; the masks at 2, 3 in one pass, 4 in the next.
    const run = dllmMdlmInfill(
      handModel(
        () => 4,
        (position) => position,
      ),
      [1, 2, MASK, MASK, MASK, 3, 3, 3],
      { maskId: MASK, steps: 2, blockSize: 4 },
    );
    expect(run.passes.map((pass) => pass.positions)).toEqual([[2, 3], [4]]);
  });
});

describe("dllm's BD3LM sampler", () => {
  it('pads the prompt to the block size, blocks counted over the padded columns and positions over the tokens, and stops after a block with eos', () => {
    const EOS = 7;
    const PAD = 8;
    const calls: ForwardInput[] = [];
    // The eos token at position 6, in the first generated block.
    const model = handModel(
      (position, input) => (input.positionIds![position] === 6 ? EOS : 4),
      (position) => position,
      calls,
    );
    const run = dllmBd3lmSample(model, [1, 2, 3, 1, 2], 8, { maskId: MASK, padId: PAD, eosId: EOS, steps: 8, blockSize: 4 });
    // Columns: 3 pads, the prompt at 3..7 (blocks 0, 1), the first block at 8..11 (block 2): positions 5..8.
    expect(calls[0]!.blockIds).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(calls[0]!.positionIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.passes.map((pass) => pass.positions)).toEqual([[8], [7], [6], [5]]);
    // The second block is never generated.
    expect(run.tokens).toEqual([1, 2, 3, 1, 2, 4, EOS, 4, 4, MASK, MASK, MASK, MASK]);
    expect(calls).toHaveLength(4);
  });

  it('takes a generated pad token for padding in later blocks', () => {
    const PAD = 8;
    const calls: ForwardInput[] = [];
    const model = handModel(
      (position, input) => (input.positionIds![position] === 4 && input.tokens.length <= 8 ? PAD : 4),
      (position) => position,
      calls,
    );
    dllmBd3lmSample(model, [1, 2, 3, 1], 8, { maskId: MASK, padId: PAD, eosId: 7, steps: 8, blockSize: 4 });
    // The second block's passes leave out the pad written at position 4: 3 of the first block's tokens remain.
    expect(calls[4]!.tokens).toEqual([1, 2, 3, 1, 4, 4, 4, MASK, MASK, MASK, MASK]);
    expect(calls[4]!.positionIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(calls[4]!.blockIds).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
  });
});

describe("the entropy family's sample_tokens", () => {
  it('keeps the top-p nucleus with the token that crosses top_p, and scores over it renormalised', () => {
    const logits = Float64Array.from([0.15, 0.5, 0.05, 0.3].map(Math.log));
    // Cumulative .5, .8: the .3 token crosses 0.7 and stays; .15 and .05 go.
    expect(sampleToken(logits, { topP: 0.7 }, { kind: 'probability' }).confidence).toBeCloseTo(Math.log(0.5 / 0.8), 12);
    const entropy = 0.625 * Math.log(0.625 + 1e-10) + 0.375 * Math.log(0.375 + 1e-10);
    expect(sampleToken(logits, { topP: 0.7 }, { kind: 'negative-entropy', log: 'plus-epsilon' }).confidence).toBeCloseTo(entropy, 12);
    expect(sampleToken(logits, { topK: 3 }, { kind: 'probability' }).confidence).toBeCloseTo(Math.log(0.5 / 0.95), 12);
    const plain = sampleToken(logits, {}, { kind: 'probability' });
    expect(plain.token).toBe(1);
    expect(plain.margin).toBeCloseTo(Math.log(0.5 / 0.3), 12);
  });
});

describe("Open-dLLM's p2 sampler", () => {
  it('masks the floor(n(1 - (i + 1)/steps)) least sure of the free positions each step, taking back earlier choices', () => {
    expect(p2MaskedAfter(24, 0, 64)).toBe(23);
    expect(p2MaskedAfter(24, 63, 64)).toBe(0);
    // Position 4 (read from 3's logits) is the surest while it is a mask, the least sure once it holds a token.
    const model = handModel(
      (position) => position % 5,
      (position, input) => (position === 3 && input.tokens[4] !== MASK ? 0.1 : 1 + position),
    );
    const run = openDllmP2Sample(model, [1, 2, MASK, MASK, MASK, 3], { maskId: MASK, steps: 3 });
    // Step 0 keeps one of 3 unmasked: 4. Step 1 keeps two: 4 is now the least sure, so it is masked again and 2 and 3
    // are revealed. Step 2 keeps all: 4 is revealed a second time.
    expect(run.passes.map((pass) => pass.positions)).toEqual([[4], [2, 3], [4]]);
    expect(run.tokens).toEqual([1, 2, 1, 2, 3, 3]);
  });
});
