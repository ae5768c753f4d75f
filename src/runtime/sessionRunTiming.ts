import type * as ort from 'onnxruntime-web';

/** One session's calls to `run`: how many, the milliseconds spent inside them, and the bytes of the outputs they copied into JS memory. */
export interface RunTime {
  runs: number;
  milliseconds: number;
  outputBytes: number;
}

let reportRunTime: ((time: RunTime) => void) | undefined;

/**
 * Until called again with undefined, every session created reports its own RunTime (kept up to
 * date as it runs) to `onSession`. Sessions created while nobody asked keep onnxruntime's own
 * `run`, so timing costs nothing unless a benchmark turns it on.
 */
export function timeSessionRuns(onSession: ((time: RunTime) => void) | undefined): void {
  reportRunTime = onSession;
}

function timed(session: ort.InferenceSession, time: RunTime): ort.InferenceSession {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
  session.run = (async (...args: unknown[]) => {
    const started = performance.now();
    const outputs = await run(...args);
    time.milliseconds += performance.now() - started;
    time.runs++;
    for (const tensor of Object.values(outputs)) {
      // Outputs left on the GPU are not read back; only those in JS memory count.
      if (tensor.location === 'cpu' || tensor.location === 'cpu-pinned') time.outputBytes += (tensor.data as ArrayBufferView).byteLength;
    }
    return outputs;
  }) as typeof session.run;
  return session;
}

/** The session as it is, or timed when a benchmark asked for it (timeSessionRuns). */
export function timedIfAsked(session: ort.InferenceSession): ort.InferenceSession {
  if (!reportRunTime) return session;
  const time: RunTime = { runs: 0, milliseconds: 0, outputBytes: 0 };
  reportRunTime(time);
  return timed(session, time);
}
