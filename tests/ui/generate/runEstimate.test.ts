import { describe, expect, it } from 'vitest';
import { createDiffusionConfig } from '../../../src/models/diffusionConfig';
import { familyByName } from '../../../src/models/modelFamilies';
import type { GeneratedPatch } from '../../../src/plan/refactorPlan';
import { measuredPass } from '../../../src/ui/generate/passTimeStore';
import { CHARS_PER_TOKEN, estimateRun, estimateText } from '../../../src/ui/generate/runEstimate';

const mdlm = familyByName('a2d-mdlm').sampler;

describe('estimateRun', () => {
  it("counts the authors' steps for the ticked spans' masks, and scales the measured pass to the sequence", () => {
    // The quality-like case of issue 26: a 128-token span in a 2,000-token file at dLLM's settings (one step per mask).
    const config = createDiffusionConfig({ steps: 0, sampler: 'authors', cfgScale: 1, cacheInterval: 0, contextTokens: 4096 });
    const spanChars = [128 * CHARS_PER_TOKEN];
    const fileChars = 2000 * CHARS_PER_TOKEN;
    const unmeasured = estimateRun({ config, authors: mdlm, spanChars, fileChars, measured: null });
    expect(unmeasured).toMatchObject({ masks: 168, steps: 168, passes: 168, spanPasses: 0, sequenceTokens: 2040, ms: null });
    expect(estimateText(unmeasured, null)).toMatch(/^About 168 forward passes \(168 steps for about 168 masked tokens in a sequence of about 2040\) · the time shows once a run/);

    // A pass measured on a 204-token sequence at 150 ms: ten times the tokens, ten times the time per pass.
    const measured = estimateRun({ config, authors: mdlm, spanChars, fileChars, measured: { msPerPass: 150, sequenceTokens: 204, charsPerToken: null } });
    expect(measured.ms).toBeCloseTo(168 * 1500, 6);
    expect(estimateText(measured, 'WASM, q8')).toContain('about 4.2 min on WASM, q8');
  });

  it('follows the steps setting, the context budget and the cache', () => {
    const config = createDiffusionConfig({ preset: 'demo' });
    const at = (input: Parameters<typeof createDiffusionConfig>[0]) => estimateRun({ config: createDiffusionConfig(input), authors: null, spanChars: [400, 200], fileChars: 40_000, measured: null });
    expect(at({ preset: 'demo', steps: 8, cacheInterval: 0 }).passes).toBe(8);
    expect(at({ preset: 'demo', steps: 20, cacheInterval: 0 }).passes).toBe(20);
    // Steps 0 with Builder's own sampler: one per mask, both spans' masks together (ceil(1.25 x 100) + 8 and ceil(1.25 x 50) + 8).
    expect(at({ preset: 'demo', steps: 0, cacheInterval: 0 })).toMatchObject({ masks: 133 + 71, passes: 204 });
    expect(at({ preset: 'demo', steps: 20, cacheInterval: 8 }).spanPasses).toBe(17);
    expect(at({ preset: 'demo', contextTokens: 1024 }).sequenceTokens).toBe(1024);
    expect(config.model).toBe('tiny-diffusion');
  });
});

describe('measuredPass', () => {
  const patch = (sample: Partial<GeneratedPatch['sample']>, context: Partial<NonNullable<GeneratedPatch['context']>>) =>
    ({
      originalCode: 'x'.repeat(4000),
      sample: { path: 'diffusion', nfe: 8, generationTimeMs: 1200, ...sample },
      context: { tokens: 1000, budget: 4096, limitedBy: 'setting', keptLines: 50, totalLines: 50, omittedRuns: 0, ...context },
    }) as GeneratedPatch;

  it("takes a diffusion run's time per pass, and its characters per token where the model saw the whole file", () => {
    expect(measuredPass(patch({}, {}))).toEqual({ msPerPass: 150, sequenceTokens: 1000, charsPerToken: 4 });
    expect(measuredPass(patch({}, { keptLines: 20 }))?.charsPerToken).toBeNull();
    expect(measuredPass(patch({ path: 'fallback' }, {}))).toBeNull();
    expect(measuredPass(patch({ nfe: 0 }, {}))).toBeNull();
  });
});
