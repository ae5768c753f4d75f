import { describe, expect, it } from 'vitest';
import { AUTOREGRESSIVE_RUNS, fastestInTurns } from '../../src/measure/measureAutoregressive';

describe('fastestInTurns', () => {
  it('runs each measure AUTOREGRESSIVE_RUNS times, taking turns one after another, and keeps the fastest run of each whole', async () => {
    const times = { ours: [30, 10, 20, 5, 40].slice(0, AUTOREGRESSIVE_RUNS), theirs: [7, 9, 3, 8, 1].slice(0, AUTOREGRESSIVE_RUNS) };
    const order: string[] = [];
    let running = 0;
    const measure = (who: 'ours' | 'theirs') => async () => {
      expect(running).toBe(0);
      running++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      const run = order.filter((name) => name === who).length;
      order.push(who);
      return { generationMs: times[who][run]!, who, run };
    };
    const [ours, theirs] = await fastestInTurns(measure('ours'), measure('theirs'));
    expect(order).toEqual(Array.from({ length: AUTOREGRESSIVE_RUNS }, () => ['ours', 'theirs']).flat());
    expect(ours).toEqual({ generationMs: Math.min(...times.ours), who: 'ours', run: times.ours.indexOf(Math.min(...times.ours)) });
    expect(theirs).toEqual({ generationMs: Math.min(...times.theirs), who: 'theirs', run: times.theirs.indexOf(Math.min(...times.theirs)) });
  });

  it('measures one alone the same way', async () => {
    let calls = 0;
    const [only] = await fastestInTurns(async () => ({ generationMs: 10 - calls, run: calls++ }));
    expect(calls).toBe(AUTOREGRESSIVE_RUNS);
    expect(only.run).toBe(AUTOREGRESSIVE_RUNS - 1);
  });
});
