import { describe, expect, it } from 'vitest';
import { departures, resolveSampleSettings } from '../../../src/generate/authors/sampleSettings';
import { MODEL_FAMILIES } from '../../../src/models/modelFamilies';

const authorsOf = (name: string) => MODEL_FAMILIES.find((f) => f.name === name)!.sampler;

describe('the settings of a run', () => {
  it("default to the family's authors': their sampler, steps per token times the masks, their temperature and top-p", () => {
    expect(resolveSampleSettings({}, authorsOf('a2d-bd3lm'), 48)).toMatchObject({ sampler: 'bd3lm', steps: 48, blockLength: 32, temperature: 0, cfgScale: 0, remasking: 'low-confidence' });
    expect(resolveSampleSettings({}, authorsOf('coda'), 40)).toMatchObject({ sampler: 'dream', steps: 40, blockLength: null, temperature: 0.1, topP: 0.9, remasking: 'entropy' });
    // Open-dCoder's infill evaluation runs a fixed 64 steps with p2.
    expect(resolveSampleSettings({}, authorsOf('open-dcoder'), 10)).toMatchObject({ sampler: 'p2', steps: 64, temperature: 0.6, topP: 0.95 });
    expect(resolveSampleSettings({}, null, 12)).toMatchObject({ sampler: 'builder', steps: 12, cfgScale: 1, cacheInterval: 0 });
  });

  it("start from another sampler's own defaults where the run names it", () => {
    expect(resolveSampleSettings({ sampler: 'mdlm' }, authorsOf('coda'), 8)).toMatchObject({ sampler: 'mdlm', blockLength: 128, temperature: 0, topP: 1 });
  });

  it("name every bad setting, and refuse Builder's knobs on an authors' sampler", () => {
    expect(() => resolveSampleSettings({ steps: 0, topP: 2, colour: 'red' }, authorsOf('a2d-mdlm'), 8)).toThrow(/"colour" is not a setting.*settings.steps must be.*settings.topP must be/);
    expect(() => resolveSampleSettings({ cacheInterval: 8 }, authorsOf('a2d-mdlm'), 8)).toThrow(/use sampler "builder"/);
    expect(() => resolveSampleSettings({ blockLength: 8 }, authorsOf('coda'), 8)).toThrow(/has no blocks/);
  });

  it("list how a run departs from the authors' settings, and nothing for their own", () => {
    const authors = authorsOf('a2d-bd3lm');
    expect(departures(resolveSampleSettings({}, authors, 64), authors, 64)).toEqual([]);
    expect(departures(resolveSampleSettings({ steps: 16, temperature: 0.5 }, authors, 64), authors, 64)).toEqual(['steps 16 (the authors: 64)', 'temperature 0.5 (the authors: 0)']);
  });
});
