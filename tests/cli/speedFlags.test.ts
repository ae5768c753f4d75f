import { describe, expect, it } from 'vitest';
import { pipelineFromFlags } from '../../src/cli/patchCommand';
import { USAGE } from '../../src/cli/usage';
import { ConfigError } from '../../src/models/diffusionConfig';

describe('--cache-interval and --parallel-threshold', () => {
  it('are listed in the usage', () => {
    expect(USAGE).toContain('[--cache-interval N] [--parallel-threshold X]');
  });

  it('reach the settings, each checked with its own message before any model loads', async () => {
    const refused = pipelineFromFlags({ 'cache-interval': '-2', 'parallel-threshold': '1.5' });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toMatchObject({
      fields: {
        cacheInterval: 'cacheInterval must be an integer from 0 to 1024 (got -2)',
        parallelThreshold: 'parallelThreshold must be 0 (off) or a number in (0, 1] (got 1.5)',
      },
    });
    await expect(pipelineFromFlags({ 'cache-interval': 'often' })).rejects.toMatchObject({ fields: { cacheInterval: 'cacheInterval must be a number (got "often")' } });
  });

  it('--top-p and --remasking reach the settings, checked before any model loads', async () => {
    expect(USAGE).toContain('[--top-p P]');
    expect(USAGE).toContain('[--remasking low-confidence|entropy|margin|random]');
    const refused = pipelineFromFlags({ 'top-p': '1.5', remasking: 'loudest' });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toMatchObject({ fields: { topP: expect.stringContaining('1.5'), remasking: expect.stringContaining('loudest') } });
  });
});
