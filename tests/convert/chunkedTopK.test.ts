import { describe, expect, it } from 'vitest';
import { chunkedTopK, TOP_K_CHUNK } from '../../src/convert/chunkedTopK';
import { DataType, GraphBuilder } from '../../src/convert/onnxGraph';
import { createRng } from '../../src/random/rng';
import { ort } from '../../src/runtime/ortSession';

/** A session computing chunkedTopK over [1, positions, size] scores. */
async function chunkedTopKSession(size: number): Promise<ort.InferenceSession> {
  const g = new GraphBuilder();
  const scores = g.input('scores', DataType.FLOAT, [1, 'positions', size]);
  const k = g.input('k', DataType.INT64, [1]);
  const top = chunkedTopK(g, scores, k, size);
  g.output(top.values, 'values', DataType.FLOAT, [1, 'positions', 'k']);
  g.output(top.indices, 'indices', DataType.INT64, [1, 'positions', 'k']);
  return ort.InferenceSession.create(g.encode({ '': 17 }, 'test'), { executionProviders: ['wasm'] });
}

/** The k largest of a row by a full sort, ties to the lower index. */
function sortedTop(row: Float32Array, k: number): { values: number[]; indices: number[] } {
  const indices = [...row.keys()].sort((a, b) => row[b]! - row[a]! || a - b).slice(0, k);
  return { values: indices.map((i) => row[i]!), indices };
}

describe('chunkedTopK', () => {
  it.each([
    ['a vocabulary that is a whole number of chunks, k 40', 151936, 3, 40],
    ['a size that pads its last chunk', 1000, 4, 7],
    ['k larger than the number of chunks', 300, 2, 50],
    ['k 1', 5 * TOP_K_CHUNK + 1, 3, 1],
  ])('equals a full sort for %s', async (_, size, positions, k) => {
    const session = await chunkedTopKSession(size);
    const rng = createRng(size);
    // Peaks in a few chunks, so the chunk maxima decide something.
    const scores = Float32Array.from({ length: positions * size }, (_, i) => rng.nextFloat() * (i % 97 === 0 ? 10 : 1) - 0.5);
    const outputs = await session.run({
      scores: new ort.Tensor('float32', scores, [1, positions, size]),
      k: new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
    });
    expect(outputs.values!.dims).toEqual([1, positions, k]);
    for (let p = 0; p < positions; p++) {
      const expected = sortedTop(scores.subarray(p * size, (p + 1) * size), k);
      expect(Array.from((outputs.indices!.data as BigInt64Array).subarray(p * k, (p + 1) * k), Number)).toEqual(expected.indices);
      expect(Array.from((outputs.values!.data as Float32Array).subarray(p * k, (p + 1) * k))).toEqual(expected.values);
    }
    await session.release();
  });
});
