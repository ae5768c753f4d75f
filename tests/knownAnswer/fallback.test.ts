import { describe, expect, it } from 'vitest';
import { runKnownAnswer } from '../support/knownAnswerRun';
import { DEFAULTS, heldOut, useConvertedKnownAnswer, withShiftFlipped } from '../support/knownAnswerSuite';

const DIFFUSION = 'Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1';
const FALLBACK = 'qwen2.5-coder-fim';
const model = useConvertedKnownAnswer([DIFFUSION, FALLBACK]);

describe('the fill-in-the-middle fallback', () => {
  it('writes the expected definition when diffusion fails', async () => {
    // The diffusion model run with its logit shift flipped writes code that does not parse, so the fallback takes over.
    const run = await withShiftFlipped(model(DIFFUSION), () => runKnownAnswer(heldOut, ['--model', model(DIFFUSION), '--fallback-model', model(FALLBACK), ...DEFAULTS]));
    const filled = run.results.filter((r) => r.path === 'fallback');
    console.log(`fallback: ${filled.length} of ${run.results.length} targets fell back, ${filled.filter((r) => r.exact).length} of them exact`);
    expect(filled.length).toBeGreaterThanOrEqual(heldOut.length / 2);
    expect(filled.filter((r) => r.exact).length / filled.length).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
