import fc from 'fast-check';
import type { PropertyRun } from './trustReport';

/**
 * fast-check's assert, keeping what it ran: the cases count and the seed go into the trust
 * report. Fixed seeds and bounded runs keep CI fast and failures reproducible.
 */
export async function runProperty<T>(runs: PropertyRun[], name: string, property: fc.IProperty<T> | fc.IAsyncProperty<T>, parameters: { numRuns: number; seed: number }): Promise<void> {
  const started = performance.now();
  const details = await fc.check(property, parameters);
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${name} failed`);
  runs.push({ property: name, cases: details.numRuns, seed: parameters.seed, milliseconds: performance.now() - started });
}
