import { describe, expect, it } from 'vitest';
import { resolveSampleSettings } from '../../src/generate/authors/sampleSettings';
import { blockLength } from '../../src/generate/maskedSequence';
import { createDiffusionConfig } from '../../src/models/diffusionConfig';
import { formatDuration, forwardPasses, plannedSteps, spanMasks } from '../../src/models/forwardPasses';
import { MODEL_FAMILIES } from '../../src/models/modelFamilies';

describe('forwardPasses', () => {
  it('counts every plan x step, and the span passes between cache refreshes', () => {
    expect(forwardPasses(12, 2, 0)).toEqual({ plans: 2, steps: 12, passes: 24, spanPasses: 0 });
    // Refreshes at steps 1 and 9 of 12: 10 span passes per plan.
    expect(forwardPasses(12, 2, 8)).toEqual({ plans: 2, steps: 12, passes: 24, spanPasses: 20 });
  });
});

describe('plannedSteps', () => {
  const withAuthors = MODEL_FAMILIES.filter((family) => family.sampler !== null);

  it("gives the steps the sampler's own resolution gives, for every family's authors and for Builder's sampler", () => {
    expect(withAuthors.length).toBeGreaterThan(3);
    for (const family of withAuthors) {
      for (const masks of [1, 37, 168, 600]) {
        const authors = family.sampler!;
        expect(plannedSteps({ steps: 0, sampler: 'authors' }, authors, masks), `${family.name}, ${masks} masks`).toBe(resolveSampleSettings({}, authors, masks).steps);
        expect(plannedSteps({ steps: 0, sampler: 'builder' }, authors, masks), `${family.name}, builder`).toBe(resolveSampleSettings({ sampler: 'builder' }, authors, masks).steps);
      }
    }
    expect(plannedSteps({ steps: 0, sampler: 'authors' }, null, 50)).toBe(resolveSampleSettings({}, null, 50).steps);
  });

  it("takes a step count set in the settings over the authors'", () => {
    expect(plannedSteps({ steps: 20, sampler: 'authors' }, withAuthors[0]!.sampler, 168)).toBe(20);
    // Open-dCoder's authors run a fixed 64 steps whatever the length; dLLM's MDLM one per mask.
    const openDcoder = MODEL_FAMILIES.find((family) => family.name === 'open-dcoder')!.sampler;
    const mdlm = MODEL_FAMILIES.find((family) => family.name === 'a2d-mdlm')!.sampler;
    expect(plannedSteps({ steps: 0, sampler: 'authors' }, openDcoder, 168)).toBe(64);
    expect(plannedSteps({ steps: 0, sampler: 'authors' }, mdlm, 168)).toBe(168);
  });
});

describe('spanMasks', () => {
  it("is the masked sequence builder's block length: ceil(1.25 x tokens) + 8 by default, the tokens themselves below strength 1", () => {
    const config = createDiffusionConfig({});
    const settings = { lengthFactor: config.maskLengthFactor, lengthExtra: config.maskLengthExtra, strength: 1 };
    expect(spanMasks(128, settings)).toBe(168);
    expect(spanMasks(128, { ...settings, strength: 0.5 })).toBe(128);
    for (const tokens of [0, 1, 7, 128, 999]) expect(blockLength(tokens, settings)).toBe(spanMasks(tokens, settings));
  });
});

describe('formatDuration', () => {
  it('reads in ms, seconds, then minutes', () => {
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(99_600)).toBe('99.6 s');
    expect(formatDuration(252_000)).toBe('4.2 min');
  });
});
