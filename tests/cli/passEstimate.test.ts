import { describe, expect, it } from 'vitest';
import { passEstimate } from '../../src/cli/passEstimate';

describe('passEstimate', () => {
  it("counts the steps the run's sampler resolved, not the setting (0: the authors' steps)", () => {
    const lines: string[] = [];
    const onProgress = passEstimate({ steps: 0, cacheInterval: 0 }, 2, { description: 'tiny: native', runsOn: 'native, q8' }, (line) => lines.push(line));
    onProgress({ phase: 'diffusion', step: 1, total: 12, revealed: 1, stillMasked: 11, spans: [] });
    onProgress({ phase: 'diffusion', step: 2, total: 12, revealed: 2, stillMasked: 10, spans: [] });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^estimate: 2 plan\(s\) x 12 steps = 24 forward passes; /);
  });
});
