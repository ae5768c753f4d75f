import { describe, expect, it } from 'vitest';
import { AUTOREGRESSIVE_RUNS, fastestRun } from '../../src/bench/measureAutoregressive';

describe('fastestRun', () => {
  it('measures AUTOREGRESSIVE_RUNS times, one after another, and keeps the fastest run whole', async () => {
    const times = [30, 10, 20, 5, 40].slice(0, AUTOREGRESSIVE_RUNS);
    let running = 0;
    let calls = 0;
    const fastest = await fastestRun(async () => {
      expect(running).toBe(0);
      running++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      const generationMs = times[calls]!;
      return { generationMs, run: calls++ };
    });
    expect(calls).toBe(AUTOREGRESSIVE_RUNS);
    expect(fastest.generationMs).toBe(Math.min(...times));
    expect(fastest.run).toBe(times.indexOf(Math.min(...times)));
  });
});
