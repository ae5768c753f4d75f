import type { RunTime } from '../runtime/sessionRunTiming';

/** The RunTimes of several sessions (a model's, or all a benchmark opened) added up. */
export function sessionTotals(runTimes: readonly RunTime[]): RunTime {
  const total: RunTime = { runs: 0, milliseconds: 0, outputBytes: 0 };
  for (const time of runTimes) {
    total.runs += time.runs;
    total.milliseconds += time.milliseconds;
    total.outputBytes += time.outputBytes;
  }
  return total;
}
