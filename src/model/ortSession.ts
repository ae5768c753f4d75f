import * as ort from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

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

/**
 * An onnxruntime-web session on the chosen backend. The WASM files are served by the app itself
 * (`wasmPaths`), never from a CDN; in Node, onnxruntime-web finds them in its package. On WebGPU
 * the outputs named in `keepOnDevice` (keys and values that the next pass takes back as inputs)
 * stay in GPU buffers instead of being read back; whoever holds them must dispose them.
 */
export async function createOrtSession(model: Uint8Array, externalData: ExternalDataFile[], backend: Backend, keepOnDevice: readonly string[] = []): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    externalData,
    graphOptimizationLevel: 'all',
    ...(backend === 'webgpu' && keepOnDevice.length > 0 ? { preferredOutputLocation: Object.fromEntries(keepOnDevice.map((name) => [name, 'gpu-buffer' as const])) } : {}),
  });
  if (!reportRunTime) return session;
  const time: RunTime = { runs: 0, milliseconds: 0, outputBytes: 0 };
  reportRunTime(time);
  return timed(session, time);
}

/** An int64 tensor of token ids, positions or masks. */
export function int64Tensor(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/** Points onnxruntime-web at self-hosted WASM files (the app copies them into public/wasm). */
export function useSelfHostedWasm(prefix: string): void {
  ort.env.wasm.wasmPaths = prefix;
}

export { ort };
