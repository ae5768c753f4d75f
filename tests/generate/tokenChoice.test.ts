import { describe, expect, it } from 'vitest';
import { type ChoiceSettings, chooseToken } from '../../src/generate/tokenChoice';
import { createRng } from '../../src/random/rng';

const MASK = 99;
// Tempered logits, best first, of the mask token and three others; their log-sum-exp over the vocabulary.
const values = Float32Array.of(3, 2, 1, 0);
const indices = Int32Array.of(MASK, 7, 8, 9);
const logNormalizer = Math.log(Math.exp(3) + Math.exp(2) + Math.exp(1) + Math.exp(0));

describe('chooseToken', () => {
  it('never reveals the mask token, greedy or sampled, and gives the chosen token its probability', () => {
    const greedy: ChoiceSettings = { temperature: 0, topP: 1, remasking: 'low-confidence' };
    expect(chooseToken(values, indices, logNormalizer, greedy, createRng(0), MASK)).toEqual({ token: 7, score: Math.exp(2 - logNormalizer), probability: Math.exp(2 - logNormalizer) });
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(chooseToken(values, indices, logNormalizer, { temperature: 1, topP: 1, remasking: 'low-confidence' }, rng, MASK).token);
    expect([...seen].sort()).toEqual([7, 8, 9]);
  });

  it('takes the best token when it is not the mask', () => {
    const choice = chooseToken(values, Int32Array.of(5, 7, 8, 9), logNormalizer, { temperature: 0, topP: 1, remasking: 'margin' }, createRng(0), MASK);
    expect(choice.token).toBe(5);
    expect(choice.score).toBeCloseTo(Math.exp(3 - logNormalizer) - Math.exp(2 - logNormalizer), 12);
  });
});
