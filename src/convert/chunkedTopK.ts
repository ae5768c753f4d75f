import type { GraphBuilder } from './onnxGraph';

/** Vocabulary entries per chunk: small enough that a chunk's maximum is cheap, large enough that few chunks are kept. */
export const TOP_K_CHUNK = 128;

const int = (value: number) => ({ int: value });
const ints = (values: number[]) => ({ ints: values });

/**
 * The top `k` of `scores` ([1, positions, size]) along the last axis, best first, as TopK gives
 * them, found in two small selections instead of one over the whole vocabulary.
 *
 * onnxruntime's WebGPU TopK sorts the whole row: over Qwen's 151,936 entries it took 3.8 s for 8
 * positions under SwiftShader, where the rest of a tiny model's pass takes a tenth of that. So
 * the row is cut into chunks of TOP_K_CHUNK, each chunk's maximum is taken (a reduction), the k
 * chunks with the highest maxima are picked, and the top k is selected among their entries only.
 * It is exact: an entry among the top k sits in a chunk whose maximum is at least the k-th value,
 * and at most k chunks can hold such entries.
 */
export function chunkedTopK(g: GraphBuilder, scores: string, k: string, size: number): { values: string; indices: string } {
  const chunks = Math.ceil(size / TOP_K_CHUNK);
  const padding = chunks * TOP_K_CHUNK - size;
  const padded = padding === 0 ? scores : g.op1('Pad', [scores, g.constantInts([0, 0, 0, 0, 0, padding]), g.constantFloats([-3.4e38], [])]);
  const byChunk = g.op1('Reshape', [padded, g.constantInts([0, 0, chunks, TOP_K_CHUNK])]);
  const chunkMaxima = g.op1('ReduceMax', [byChunk], { axes: ints([-1]), keepdims: int(0) });
  const chunksKept = g.op1('Min', [k, g.constantInts([chunks])]);
  const [, bestChunks] = g.op('TopK', [chunkMaxima, chunksKept], { axis: int(-1), largest: int(1), sorted: int(1) }, 2) as [string, string];

  // Every entry of the kept chunks, [1, positions, kept, chunk], flattened to [1, positions, kept x chunk].
  const wholeChunks = g.op1('Concat', [g.op1('Shape', [bestChunks]), g.constantInts([TOP_K_CHUNK])], { axis: int(0) });
  const entryChunks = g.op1('Expand', [g.op1('Unsqueeze', [bestChunks, g.constantInts([-1])]), wholeChunks]);
  const candidates = g.op1('Reshape', [g.op1('GatherElements', [byChunk, entryChunks], { axis: int(2) }), g.constantInts([0, 0, -1])]);
  const [values, candidateIndices] = g.op('TopK', [candidates, k], { axis: int(-1), largest: int(1), sorted: int(1) }, 2) as [string, string];

  // A candidate's index is (its chunk's slot among the kept) x chunk + (its place in the chunk).
  const chunkSize = g.constantInts([TOP_K_CHUNK], []);
  const slot = g.op1('Div', [candidateIndices, chunkSize]);
  const place = g.op1('Sub', [candidateIndices, g.op1('Mul', [slot, chunkSize])]);
  const chunk = g.op1('GatherElements', [bestChunks, slot], { axis: int(-1) });
  const indices = g.op1('Add', [g.op1('Mul', [chunk, chunkSize]), place]);
  return { values, indices };
}
