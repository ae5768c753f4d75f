import { groupedAttention } from '../convert/groupedAttention';
import { DataType, GraphBuilder } from '../convert/onnxGraph';
import type { Backend } from '../models/backendChoice';
import type { AttentionShape } from '../models/contextBudget';
import { createRng } from '../random/rng';
import { ort } from '../runtime/ortSession';
import type { DiffusionMeasurement } from './measureDiffusion';

/** What one span pass spends on attention alone: the same queries, keys and layers, nothing else. */
export interface AttentionMeasurement {
  /** The cached run it stands beside. */
  fileTokens: number;
  /** Keys of the context cache the span attends to, besides its own: the whole sequence, as a span pass has it. */
  pastTokens: number;
  ms: number;
}

const TIMED_RUNS = 3;

/**
 * A graph of the model's attention and nothing else: per layer, the span's queries against that
 * layer's cached keys and values and its own (the same groupedAttention the model graph has), each
 * layer's output the next one's queries, so no layer's work can be shared or skipped.
 */
function attentionGraph(shape: AttentionShape): Uint8Array {
  const g = new GraphBuilder();
  const { heads, keyValueHeads, headDim } = shape;
  let query = g.input('query', DataType.FLOAT, ['rows', heads, 'span', headDim]);
  const maskBias = g.input('mask_bias', DataType.FLOAT, ['rows', 1, 1, 1, 'keys']);
  for (let layer = 0; layer < shape.layers; layer++) {
    const withOwn = (part: string) =>
      g.op1(
        'Concat',
        [g.input(`past.${layer}.${part}`, DataType.FLOAT, ['rows', keyValueHeads, 'past', headDim]), g.input(`own.${layer}.${part}`, DataType.FLOAT, ['rows', keyValueHeads, 'span', headDim])],
        { axis: { int: 2 } },
      );
    query = groupedAttention(g, { query, key: withOwn('key'), value: withOwn('value'), maskBias, heads, keyValueHeads, headDim });
  }
  g.output(query, 'attended', DataType.FLOAT, ['rows', heads, 'span', headDim]);
  return g.encode({ '': 17 }, 'builder-bench');
}

/**
 * Times attention alone as each cached run's span passes have it: `rows` x its masked positions
 * as queries against a cache of its whole sequence and the span's own keys, on the backend the
 * model runs on (mean of three runs after a warm-up). The cache holds every position, the span's
 * stale entries masked out (DiffusionModel.predictSpan), so that is the work a span pass cannot
 * shed however the rest of it is made, and spanPassScaling can be read against it.
 */
export async function measureAttention(shape: AttentionShape, backend: Backend, rows: number, runs: readonly DiffusionMeasurement[]): Promise<AttentionMeasurement[]> {
  const session = await ort.InferenceSession.create(attentionGraph(shape), { executionProviders: [backend], graphOptimizationLevel: 'all' });
  const rng = createRng(1);
  const random = (dims: number[]) =>
    new ort.Tensor(
      'float32',
      Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => rng.nextFloat() - 0.5),
      dims,
    );
  try {
    const measurements: AttentionMeasurement[] = [];
    for (const run of runs) {
      const spanTokens = run.maskedPositions;
      const past = run.sequenceTokens;
      const feeds: Record<string, ort.Tensor> = {
        query: random([rows, shape.heads, spanTokens, shape.headDim]),
        mask_bias: new ort.Tensor('float32', new Float32Array(rows * (past + spanTokens)), [rows, 1, 1, 1, past + spanTokens]),
      };
      for (let layer = 0; layer < shape.layers; layer++) {
        for (const part of ['key', 'value']) {
          feeds[`past.${layer}.${part}`] = random([rows, shape.keyValueHeads, past, shape.headDim]);
          feeds[`own.${layer}.${part}`] = random([rows, shape.keyValueHeads, spanTokens, shape.headDim]);
        }
      }
      await session.run(feeds);
      const started = performance.now();
      for (let run = 0; run < TIMED_RUNS; run++) await session.run(feeds);
      measurements.push({ fileTokens: run.fileTokens, pastTokens: past, ms: (performance.now() - started) / TIMED_RUNS });
    }
    return measurements;
  } finally {
    await session.release();
  }
}
