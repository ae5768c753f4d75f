import { describe, expect, it } from 'vitest';
import { runKnownAnswer } from '../support/knownAnswerRun';
import { DEFAULTS, heldOut, useConvertedKnownAnswer } from '../support/knownAnswerSuite';

// Builder's default family, trained with the instruction masked in 15% of the examples as guidance training does.
const MODEL = 'Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1';
// Guidance scale 2, the demo preset's: dLLM's sampler takes it as cfg_scale 1.
const GUIDED = [...DEFAULTS, '--cfg', '2'];
const model = useConvertedKnownAnswer([MODEL]);

describe('guidance on the conditional variants', () => {
  it('follows the instruction with it and guidance in at least 95% of cases, measurably less without it', async () => {
    const guided = await runKnownAnswer(heldOut, ['--model', model(MODEL), '--no-fallback', ...GUIDED]);
    const unconditioned = await runKnownAnswer(heldOut, ['--model', model(MODEL), '--no-fallback', ...GUIDED], () => '');
    console.log(`${MODEL}: the asked-for variant with the instruction and guidance ${guided.followsVariant}, without the instruction ${unconditioned.followsVariant}`);
    expect(guided.followsVariant).toBeGreaterThanOrEqual(0.95);
    expect(unconditioned.followsVariant).toBeLessThanOrEqual(guided.followsVariant - 0.25);
  }, 120_000);
});
