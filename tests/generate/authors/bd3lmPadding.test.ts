import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../../src/cli/convertCommand';
import { openCheckpoint } from '../../../src/convert/checkpoint';
import { openFolder } from '../../../src/convert/nodeFiles';
import type { QwenConfig } from '../../../src/convert/qwenConfig';
import { writeTinyCheckpoint } from '../../../src/convert/tinyModel';
import { samplerFacts } from '../../../src/generate/authors/configSampling';
import { bd3lmPadding } from '../../../src/generate/authors/dllmBd3lm';
import type { SamplerModel } from '../../../src/generate/authors/samplerRun';
import { resolveSampleSettings } from '../../../src/generate/authors/sampleSettings';
import { sampleTokens } from '../../../src/generate/sampleTokens';
import type { DiffusionModel } from '../../../src/runtime/diffusionModel';
import { loadModel } from '../../../src/runtime/loadModel';
import { nodeModelReader } from '../../../src/runtime/nodeModelReader';
import { FAMILY_CHECKPOINTS } from '../../support/familyCheckpoints';
import { compareRows } from '../../support/logitsParity';
import { referenceLogitsAt } from '../../support/referenceForward';

const root = mkdtempSync(join(tmpdir(), 'builder-bd3lm-padding-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Full logits per asked position, from a top-k over the whole vocabulary. */
function fullRows(values: Float32Array, indices: Int32Array, positions: number, vocab: number): Float64Array[] {
  return Array.from({ length: positions }, (_, p) => {
    const row = new Float64Array(vocab);
    for (let k = 0; k < vocab; k++) row[indices[p * vocab + k]!] = values[p * vocab + k]!;
    return row;
  });
}

describe("BD3LM's padded prompt on the block-causal graph", () => {
  let model: DiffusionModel;
  let config: QwenConfig;
  const weights = new Map<string, Float32Array>();

  beforeAll(async () => {
    const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.family === 'a2d-bd3lm' && c.expected.architecture === 'qwen2')!;
    const from = join(root, checkpoint.folder);
    const modelDir = join(root, 'bd3lm-onnx');
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 3, scale: { hiddenSize: 32, numLayers: 2 }, shape: checkpoint.shape });
    const write = process.stdout.write;
    process.stdout.write = () => true;
    await convertCommand({ from, out: modelDir, quant: 'fp32' }).finally(() => (process.stdout.write = write));
    const source = await openCheckpoint(await openFolder(from));
    config = source.config;
    for (const name of source.tensorNames()) weights.set(name, await source.readTensor(name));
    await source.close();
    const loaded = await loadModel(nodeModelReader(modelDir), 'fp32', 'wasm');
    if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
    model = loaded.model;
  }, 180_000);

  it("gives dLLM's logits: padding out of attention, blocks counted over the padded columns, rotary positions skipping the padding", async () => {
    const blockSize = model.manifest.blockSize!;
    const mask = model.manifest.maskTokenId!;
    const promptLength = blockSize + 5;
    const padding = bd3lmPadding(promptLength, blockSize);
    const prompt = Array.from({ length: promptLength }, (_, i) => 1000 + 37 * i);
    const block = Array.from({ length: blockSize }, () => mask);
    const positions = Array.from({ length: blockSize }, (_, i) => padding + promptLength + i);
    const prediction = await model.predict({
      rows: [[...new Array<number>(padding).fill(model.manifest.padTokenId), ...prompt, ...block]],
      rowWeights: [1],
      positions,
      temperature: 1,
      topK: config.vocabSize,
      padding,
    });
    // dLLM's layout without the padding tokens: logical positions 0.., blocks by padded column.
    const ids = [...prompt, ...block];
    const reference = referenceLogitsAt(config, (name) => weights.get(name)!, [ids], { attention: 'block-causal', blockSize, blockIds: [ids.map((_, p) => Math.floor((p + padding) / blockSize))] }, [
      positions.map((p) => p - padding),
    ])[0]!;
    const result = compareRows(fullRows(prediction.values, prediction.indices, positions.length, config.vocabSize), reference);
    expect(result.maxAbs).toBeLessThan(1e-3);
  });

  it('fills a padded prompt the same with the exact block cache as with a full pass every step', async () => {
    const blockSize = model.manifest.blockSize!;
    const promptLength = blockSize + 5;
    const tokens = Array.from({ length: promptLength + 2 * blockSize }, (_, i) => 1000 + 37 * i);
    const fill = Array.from({ length: 2 * blockSize }, (_, i) => promptLength + i);
    const settings = resolveSampleSettings({ sampler: 'bd3lm', steps: blockSize }, null, fill.length);
    const uncached: SamplerModel = {
      canCache: false,
      hasEntropy: true,
      predict: (r) => model.predict(r),
      predictAndCache: () => Promise.reject(new Error('no cache')),
      predictSpan: () => Promise.reject(new Error('no cache')),
    };
    const cached = await sampleTokens(model, samplerFacts(model.manifest), { tokens, fill }, settings);
    const full = await sampleTokens(uncached, samplerFacts(model.manifest), { tokens, fill }, settings);
    expect(cached.trace).toEqual(full.trace);
    expect(cached.trace.passes.length).toBeGreaterThan(0);
  });
});
