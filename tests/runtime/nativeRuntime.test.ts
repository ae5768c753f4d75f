import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelPrecision } from '../../src/models/modelPrecision';
import type { CausalModel } from '../../src/runtime/causalModel';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { loadNativeRuntime, type NativeRuntime } from '../../src/runtime/nativeRuntime.ts';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { compareRows } from '../support/logitsParity';
import { type TinyModelFixture, tinyModel } from '../support/tinyModels';

const CODE = 'def area(radius):\n\treturn 3.14159 * radius ** 2  # π r²\n';

/** Full logits at each position rebuilt from a top-k over the whole vocabulary (as in parity.test.ts). */
function fromTopK(values: Float32Array, indices: Int32Array, positions: number, vocab: number): Float64Array[] {
  return Array.from({ length: positions }, (_, p) => {
    const row = new Float64Array(vocab);
    for (let k = 0; k < vocab; k++) row[indices[p * vocab + k]!] = values[p * vocab + k]!;
    return row;
  });
}

let native: NativeRuntime;

beforeAll(async () => {
  native = await loadNativeRuntime();
});

async function diffusionOn(fixture: TinyModelFixture, precision: ModelPrecision, backend: 'wasm' | 'native'): Promise<DiffusionModel> {
  const loaded = await loadModel(nodeModelReader(fixture.modelDir), precision, backend, backend === 'native' ? native : undefined);
  if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
  return loaded.model;
}

async function causalOn(fixture: TinyModelFixture, precision: ModelPrecision, backend: 'wasm' | 'native'): Promise<CausalModel> {
  const loaded = await loadModel(nodeModelReader(fixture.modelDir), precision, backend, backend === 'native' ? native : undefined);
  if (loaded.kind !== 'autoregressive') throw new Error('expected an autoregressive model');
  return loaded.model;
}

/**
 * The same quantized weights on both runtimes: the logits differ only by the kernels' rounding
 * (the int8 GEMM's and MatMulNBits' order of summation), measured here at relative errors of
 * 9e-8 (q8) and 2.4e-7 (q4); another precision's graph is 0.05 to 0.2 away (parity.test.ts).
 */
const TOLERANCE: Record<'q8' | 'q4', number> = { q8: 1e-4, q4: 1e-4 };

describe('onnxruntime-node (native) against onnxruntime-web (WASM) on the same model folder', () => {
  let diffusion: TinyModelFixture;
  let causal: TinyModelFixture;
  beforeAll(async () => {
    [diffusion, causal] = await Promise.all([tinyModel('diffusion'), tinyModel('autoregressive')]);
  });

  it('fp32, greedy: the diffusion model picks the same token at every position, with logits equal within 1e-4', async () => {
    const [wasm, onNative] = await Promise.all([diffusionOn(diffusion, 'fp32', 'wasm'), diffusionOn(diffusion, 'fp32', 'native')]);
    const vocab = diffusion.config.vocabSize;
    const ids = wasm.tokenizer.encode(CODE);
    const mask = wasm.manifest.maskTokenId!;
    ids.splice(4, 3, mask, mask, mask);
    const positions = ids.map((_, i) => i);
    const request = { rows: [ids], positions, rowWeights: [1], temperature: 1, topK: vocab };
    const [a, b] = [await wasm.predict(request), await onNative.predict(request)];
    const greedy = (prediction: typeof a) => positions.map((_, p) => prediction.indices[p * vocab]);
    expect(greedy(b)).toEqual(greedy(a));
    expect(compareRows(fromTopK(b.values, b.indices, positions.length, vocab), fromTopK(a.values, a.indices, positions.length, vocab)).maxAbs).toBeLessThan(1e-4);
    await Promise.all([wasm.release(), onNative.release()]);
  }, 300_000);

  it('fp32, greedy: the autoregressive model decodes the same 12 tokens through its cache', async () => {
    const decode = async (model: CausalModel) => {
      const tokens: number[] = [];
      let step = await model.step(model.tokenizer.encode(CODE), model.emptyCache(), 0);
      for (let i = 0; i < 12; i++) {
        const next = step.logits.reduce((best, value, i, all) => (value > all[best]! ? i : best), 0);
        tokens.push(next);
        step = await model.step([next], step.cache, step.length);
      }
      return tokens;
    };
    const [wasm, onNative] = await Promise.all([causalOn(causal, 'fp32', 'wasm'), causalOn(causal, 'fp32', 'native')]);
    expect(await decode(onNative)).toEqual(await decode(wasm));
    await Promise.all([wasm.release(), onNative.release()]);
  }, 300_000);

  it.each(['q8', 'q4'] as const)(
    '%s: logits of every position agree within the tolerance, the context cache too',
    async (precision) => {
      const [wasm, onNative] = await Promise.all([diffusionOn(diffusion, precision, 'wasm'), diffusionOn(diffusion, precision, 'native')]);
      const vocab = diffusion.config.vocabSize;
      const ids = wasm.tokenizer.encode(CODE);
      const positions = ids.map((_, i) => i);
      const request = { rows: [ids], positions, rowWeights: [1], temperature: 1, topK: vocab };
      const logitsOf = async (model: DiffusionModel) => {
        const prediction = await model.predict(request);
        return fromTopK(prediction.values, prediction.indices, positions.length, vocab);
      };
      const full = compareRows(await logitsOf(onNative), await logitsOf(wasm));
      const span = [2, 3, 4];
      const spanRequest = { ...request, positions: span };
      const spanOf = async (model: DiffusionModel) => {
        const { cache } = await model.predictAndCache(spanRequest, span);
        const prediction = await model.predictSpan(spanRequest, cache);
        cache.release();
        return fromTopK(prediction.values, prediction.indices, span.length, vocab);
      };
      const spanResult = compareRows(await spanOf(onNative), await spanOf(wasm));
      console.log(
        `${precision} native vs WASM: relative ${full.relative.toExponential(2)} (span pass ${spanResult.relative.toExponential(2)}), argmax agreement ${(100 * full.argmaxAgreement).toFixed(0)}%`,
      );
      expect(full.relative).toBeLessThan(TOLERANCE[precision]);
      expect(spanResult.relative).toBeLessThan(TOLERANCE[precision]);
      await Promise.all([wasm.release(), onNative.release()]);
    },
    300_000,
  );
});

describe('onnxruntime-node stays out of the app', () => {
  it('only the CLI and the Node bench import nativeRuntime.ts (the one file that imports onnxruntime-node)', () => {
    const src = join(import.meta.dirname, '..', '..', 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((path) => /\.tsx?$/.test(path));
    const importers = files.filter((path) => /['/]nativeRuntime['.]/.test(readFileSync(join(src, path), 'utf8')) && !path.endsWith('nativeRuntime.ts'));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((path) => !/^(cli|measure)\//.test(relative('.', path)))).toEqual([]);
    expect(files.filter((path) => readFileSync(join(src, path), 'utf8').includes("'onnxruntime-node'"))).toEqual(['runtime/nativeRuntime.ts']);
  });
});
