import { beforeAll, describe, expect, it } from 'vitest';
import type { CausalModel } from '../../src/runtime/causalModel';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { compareRows } from '../support/logitsParity';
import { referenceForward, referenceLogitsAt } from '../support/referenceForward';
import { type TinyModelFixture, tinyModel } from '../support/tinyModels';

const CODE = 'def area(radius):\n\treturn 3.14159 * radius ** 2  # π r²\n';

function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/** Full logits at each position rebuilt from a top-k over the whole vocabulary. */
function fromTopK(values: Float32Array, indices: Int32Array, positions: number, vocab: number): Float64Array[] {
  return Array.from({ length: positions }, (_, p) => {
    const row = new Float64Array(vocab);
    for (let k = 0; k < vocab; k++) row[indices[p * vocab + k]!] = values[p * vocab + k]!;
    return row;
  });
}

describe('the diffusion export against the float64 reference', () => {
  let fixture: TinyModelFixture;
  let fp32: DiffusionModel;
  let q4: DiffusionModel;
  let q8: DiffusionModel;
  let ids: number[];
  const lookup = (name: string) => fixture.weights.get(name)!;

  beforeAll(async () => {
    fixture = await tinyModel('diffusion');
    const load = async (precision: 'fp32' | 'q4' | 'q8') => {
      const loaded = await loadModel(nodeModelReader(fixture.modelDir), precision, 'wasm');
      if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
      return loaded.model;
    };
    [fp32, q4, q8] = await Promise.all([load('fp32'), load('q4'), load('q8')]);
    const mask = fp32.manifest.maskTokenId!;
    ids = fp32.tokenizer.encode(CODE);
    ids.splice(4, 3, mask, mask, mask);
  });

  it('fp32: logits equal the reference within 1e-4 at every asked position', async () => {
    const vocab = fixture.config.vocabSize;
    const positions = [0, 4, 5, 6, ids.length - 1];
    const prediction = await fp32.predict({ rows: [ids], positions, rowWeights: [1], temperature: 1, topK: vocab });
    const reference = referenceLogitsAt(fixture.config, lookup, [ids], { attention: 'bidirectional' }, [positions])[0]!;
    const result = compareRows(fromTopK(prediction.values, prediction.indices, positions.length, vocab), reference);
    console.log(`fp32 diffusion: max abs ${result.maxAbs.toExponential(2)}, relative ${result.relative.toExponential(2)}`);
    expect(result.maxAbs).toBeLessThan(1e-4);
    positions.forEach((_, p) => expect(prediction.logNormalizer[p]).toBeCloseTo(logSumExp(reference[p]!), 3));
  });

  it.each([
    ['q4', 0.25],
    ['q8', 0.08],
  ] as const)('%s: logits stay within a relative error of %s of the reference, argmax agreement reported', async (precision, bound) => {
    const model = precision === 'q4' ? q4 : q8;
    const vocab = fixture.config.vocabSize;
    const positions = Array.from({ length: ids.length }, (_, i) => i);
    const prediction = await model.predict({ rows: [ids], positions, rowWeights: [1], temperature: 1, topK: vocab });
    const reference = referenceLogitsAt(fixture.config, lookup, [ids], { attention: 'bidirectional' }, [positions])[0]!;
    const result = compareRows(fromTopK(prediction.values, prediction.indices, positions.length, vocab), reference);
    console.log(`${precision} diffusion: relative error ${result.relative.toFixed(4)}, argmax agreement ${(100 * result.argmaxAgreement).toFixed(0)}% over ${positions.length} positions`);
    expect(result.relative).toBeLessThan(bound);
  });

  it('combines a conditional and an unconditional row as uncond + s (cond - uncond), divided by the temperature', async () => {
    const vocab = fixture.config.vocabSize;
    const mask = fp32.manifest.maskTokenId!;
    const unconditional = ids.map((id, i) => (i < 3 ? mask : id));
    const scale = 3;
    const temperature = 0.7;
    const positions = [4, 5];
    const prediction = await fp32.predict({ rows: [ids, unconditional], positions, rowWeights: [scale, 1 - scale], temperature, topK: vocab });
    const [cond, uncond] = referenceLogitsAt(fixture.config, lookup, [ids, unconditional], { attention: 'bidirectional' }, [positions, positions]);
    const expected = positions.map((_, p) => cond![p]!.map((c, i) => (uncond![p]![i]! + scale * (c - uncond![p]![i]!)) / temperature));
    const result = compareRows(fromTopK(prediction.values, prediction.indices, positions.length, vocab), expected);
    expect(result.maxAbs).toBeLessThan(5e-4);
  });

  describe('a span pass over a context cache', () => {
    const span = [3, 4, 5, 6, 7];
    const positions = [4, 5, 6];
    const unconditional = () => ids.map((id, i) => (i < 3 ? fp32.manifest.maskTokenId! : id));

    /** Max abs difference of the full-vocabulary logits of a span pass and a full pass on the same rows. */
    const spanAgainstFull = async (model: DiffusionModel, rows: number[][], rowWeights: number[], cacheRows = rows) => {
      const vocab = fixture.config.vocabSize;
      const request = { positions, rowWeights, temperature: 0.7, topK: vocab };
      const { prediction: refreshed, cache } = await model.predictAndCache({ ...request, rows: cacheRows }, span);
      try {
        const full = await model.predict({ ...request, rows });
        const spanPass = await model.predictSpan({ ...request, rows }, cache);
        const asLogits = (p: typeof full) => fromTopK(p.values, p.indices, positions.length, vocab);
        return { full: asLogits(full), refreshed: asLogits(refreshed), span: asLogits(spanPass), normalizers: [full.logNormalizer, spanPass.logNormalizer] };
      } finally {
        cache.release();
      }
    };

    it('fp32: equals the full pass within 1e-5 and the guided reference within 5e-4, one row and two', async () => {
      for (const [rows, weights] of [
        [[ids], [1]],
        [
          [ids, unconditional()],
          [3, -2],
        ],
      ] as [number[][], number[]][]) {
        const result = await spanAgainstFull(fp32, rows, weights);
        const exact = compareRows(result.span, result.full);
        console.log(`fp32 span pass, ${rows.length} row(s): max abs ${exact.maxAbs.toExponential(2)} from the full pass`);
        expect(exact.maxAbs).toBeLessThan(1e-5);
        expect(compareRows(result.refreshed, result.full).maxAbs).toBe(0);
        const reference = referenceLogitsAt(
          fixture.config,
          lookup,
          rows,
          { attention: 'bidirectional' },
          rows.map(() => positions),
        );
        const expected = positions.map((_, p) => reference[0]![p]!.map((c, i) => (rows.length === 1 ? c : reference[1]![p]![i]! + 3 * (c - reference[1]![p]![i]!)) / 0.7));
        expect(compareRows(result.span, expected).maxAbs).toBeLessThan(5e-4);
        positions.forEach((_, p) => expect(result.normalizers[1]![p]).toBeCloseTo(result.normalizers[0]![p]!, 5));
      }
    });

    it('q4: equals the full pass within 1e-5', async () => {
      const result = await spanAgainstFull(q4, [ids, unconditional()], [3, -2]);
      const exact = compareRows(result.span, result.full);
      console.log(`q4 span pass, 2 rows: max abs ${exact.maxAbs.toExponential(2)} from the full pass`);
      expect(exact.maxAbs).toBeLessThan(1e-5);
    });

    // The activations are quantised per tensor, so a span pass (fewer rows) quantises them with
    // another scale than the full pass: close, not equal.
    it('q8: stays within a relative error of 0.05 of the full pass', async () => {
      const result = await spanAgainstFull(q8, [ids, unconditional()], [3, -2]);
      const close = compareRows(result.span, result.full);
      console.log(`q8 span pass, 2 rows: relative ${close.relative.toFixed(4)} from the full pass, argmax agreement ${(100 * close.argmaxAgreement).toFixed(0)}%`);
      expect(close.relative).toBeLessThan(0.05);
    });

    it('differs from the full pass once the span changed after the cache was made (the approximation of a stale cache)', async () => {
      const changed = ids.map((id, i) => (i === 4 ? ids[0]! : id));
      const result = await spanAgainstFull(fp32, [changed], [1], [ids]);
      const stale = compareRows(result.span, result.full);
      console.log(`fp32 span pass on a stale cache: max abs ${stale.maxAbs.toExponential(2)} from the full pass`);
      expect(stale.maxAbs).toBeGreaterThan(1e-5);
    });

    it('refuses positions outside the span and rows of another shape', async () => {
      const { cache } = await fp32.predictAndCache({ rows: [ids], positions, rowWeights: [1], temperature: 1, topK: 4 }, span);
      await expect(fp32.predictSpan({ rows: [ids], positions: [1], rowWeights: [1], temperature: 1, topK: 4 }, cache)).rejects.toThrow(/not in the cached span/);
      await expect(fp32.predictSpan({ rows: [ids, ids], positions, rowWeights: [1, 0], temperature: 1, topK: 4 }, cache)).rejects.toThrow(/holds 1 row/);
      cache.release();
    });
  });

  it('reads back positions x (2k + 2) numbers, not positions x vocabulary', async () => {
    const prediction = await q4.predict({ rows: [ids, ids], positions: [4, 5, 6], rowWeights: [2, -1], temperature: 1, topK: 8 });
    // k values and k indices, the log-normaliser and the negative entropy (graph version 2) per position.
    expect(prediction.readbackCount).toBe(3 * (2 * 8 + 2));
    expect(Array.from(prediction.values.slice(0, 8))).toEqual([...prediction.values.slice(0, 8)].sort((a, b) => b - a));
  });
});

describe('the autoregressive export against the float64 reference', () => {
  let fixture: TinyModelFixture;
  let fp32: CausalModel;
  let q4: CausalModel;
  let q8: CausalModel;
  let ids: number[];

  beforeAll(async () => {
    fixture = await tinyModel('autoregressive');
    const load = async (precision: 'fp32' | 'q4' | 'q8') => {
      const loaded = await loadModel(nodeModelReader(fixture.modelDir), precision, 'wasm');
      if (loaded.kind !== 'autoregressive') throw new Error('expected an autoregressive model');
      return loaded.model;
    };
    [fp32, q4, q8] = await Promise.all([load('fp32'), load('q4'), load('q8')]);
    ids = fp32.tokenizer.encode(CODE).slice(0, 12);
  });

  const reference = () => {
    const vocab = fixture.config.vocabSize;
    const full = referenceForward(fixture.config, (name) => fixture.weights.get(name)!, [ids], { attention: 'causal' })[0]!;
    return Array.from({ length: ids.length }, (_, i) => full.subarray(i * vocab, (i + 1) * vocab));
  };

  it('fp32: causal logits equal the reference within 1e-4', async () => {
    const vocab = fixture.config.vocabSize;
    const step = await fp32.step(ids, fp32.emptyCache(), 0, 'all');
    const rows = Array.from({ length: ids.length }, (_, i) => step.logits.subarray(i * vocab, (i + 1) * vocab));
    const result = compareRows(rows, reference());
    console.log(`fp32 causal: max abs ${result.maxAbs.toExponential(2)}`);
    expect(result.maxAbs).toBeLessThan(1e-4);
  });

  it('gives the same logits token by token with the KV cache as in one full pass', async () => {
    const vocab = fixture.config.vocabSize;
    const full = await fp32.step(ids, fp32.emptyCache(), 0, 'all');
    let cache = fp32.emptyCache();
    for (let i = 0; i < ids.length; i++) {
      const step = await fp32.step([ids[i]!], cache, i);
      cache = step.cache;
      const result = compareRows([step.logits], [full.logits.subarray(i * vocab, (i + 1) * vocab)]);
      expect(result.maxAbs, `token ${i}`).toBeLessThan(1e-4);
    }
  });

  it('keeps the logits of the last token only, unless asked for all', async () => {
    const vocab = fixture.config.vocabSize;
    const last = await fp32.step(ids, fp32.emptyCache(), 0);
    const all = await fp32.step(ids, fp32.emptyCache(), 0, 'all');
    expect(last.logits.length).toBe(vocab);
    expect(all.logits.length).toBe(ids.length * vocab);
    expect(compareRows([last.logits], [all.logits.subarray((ids.length - 1) * vocab)]).maxAbs).toBeLessThan(1e-6);
    expect(last.length).toBe(ids.length);
  });

  it.each([
    ['q4', 0.25],
    ['q8', 0.08],
  ] as const)('%s: causal logits stay within a relative error of %s', async (precision, bound) => {
    const model = precision === 'q4' ? q4 : q8;
    const vocab = fixture.config.vocabSize;
    const step = await model.step(ids, model.emptyCache(), 0, 'all');
    const rows = Array.from({ length: ids.length }, (_, i) => step.logits.subarray(i * vocab, (i + 1) * vocab));
    const result = compareRows(rows, reference());
    console.log(`${precision} causal: relative error ${result.relative.toFixed(4)}, argmax agreement ${(100 * result.argmaxAgreement).toFixed(0)}% over ${ids.length} positions`);
    expect(result.relative).toBeLessThan(bound);
  });
});
