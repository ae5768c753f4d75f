import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../src/cli/convertCommand';
import { openCheckpoint } from '../../src/convert/checkpoint';
import { openFolder } from '../../src/convert/nodeFiles';
import type { QwenConfig } from '../../src/convert/qwenConfig';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { blockDenoise } from '../../src/generate/blockDenoise';
import { type DenoiseSettings, denoise } from '../../src/generate/denoise';
import { buildMaskedSequence, type MaskedSequence } from '../../src/generate/maskedSequence';
import type { MaskPredictor } from '../../src/generate/maskPredictor';
import { decodeBlocks } from '../../src/generate/spanText';
import { createRng } from '../../src/random/rng';
import { type CodeTokenizer, codeTokenizerFor } from '../../src/runtime/codeTokenizer';
import type { DenoisePrediction, DenoiseRequest } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { FAMILY_CHECKPOINTS } from '../support/familyCheckpoints';
import { referenceLogitsAt } from '../support/referenceForward';

const root = mkdtempSync(join(tmpdir(), 'builder-family-sampling-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MASK = 9;
const GREEDY: DenoiseSettings = { steps: 4, schedule: 'linear', cfgScale: 1, temperature: 0, topK: 0, topP: 1, remasking: 'low-confidence', cacheInterval: 0, parallelThreshold: 0 };

/** A sequence of `length` tokens (id 100 + position), masked at `maskedAt`, the blocks being the masked runs. */
function sequenceOf(length: number, maskedAt: number[]): MaskedSequence {
  const tokens = Array.from({ length }, (_, p) => (maskedAt.includes(p) ? MASK : 100 + p));
  return { tokens, masked: tokens.map((id) => id === MASK), condition: { start: 0, end: 0 }, blocks: [{ source: { start: 0, end: 0 }, start: maskedAt[0]!, length: maskedAt.length }] };
}

/**
 * A predictor double whose every prediction is a function of what it is asked and of the row it
 * sees: token 1000 + the asked position, scored by the sum of the visible row, so any change in
 * what a pass sees changes the scores.
 */
function double(onRequest: (request: DenoiseRequest) => void = () => {}): MaskPredictor {
  const predict = async (request: DenoiseRequest): Promise<DenoisePrediction> => {
    onRequest(request);
    const seen = request.rows[0]!.reduce((sum, id) => sum + id, 0);
    const k = request.topK;
    const values = new Float32Array(request.positions.length * k);
    const indices = new Int32Array(request.positions.length * k);
    request.positions.forEach((position, i) => {
      for (let j = 0; j < k; j++) {
        values[i * k + j] = -j - ((position * 7 + seen) % 5) / 10;
        indices[i * k + j] = 1000 + position + j * 50000;
      }
    });
    return { k, values, indices, logNormalizer: new Float32Array(request.positions.length).fill(1), negEntropy: null, readbackCount: 0, readbackBytes: 0 };
  };
  return { canCache: false, predict, predictAndCache: () => Promise.reject(new Error('no cache')), predictSpan: () => Promise.reject(new Error('no cache')) };
}

describe('the logit shift', () => {
  it.each([[0 as const], [1 as const]])('shift %i: position p is filled from the prediction asked at p - shift', async (shift) => {
    const asked: number[][] = [];
    const sequence = sequenceOf(12, [4, 5, 6, 7]);
    await denoise(
      double((request) => asked.push([...request.positions])),
      sequence,
      GREEDY,
      createRng(1),
      { maskTokenId: MASK, logitsShift: shift },
    );
    expect(asked[0]).toEqual([4, 5, 6, 7].map((p) => p - shift));
    expect(sequence.tokens.slice(4, 8)).toEqual([4, 5, 6, 7].map((p) => 1000 + p - shift));
  });
});

describe('blockDenoise against the MDLM sampler', () => {
  it('with one block covering the sequence it reveals the same tokens in the same passes', async () => {
    const mdlm = sequenceOf(20, [3, 4, 5, 6, 7, 8, 9, 10]);
    const blocks = sequenceOf(20, [3, 4, 5, 6, 7, 8, 9, 10]);
    const a = await denoise(double(), mdlm, GREEDY, createRng(2), { maskTokenId: MASK, logitsShift: 0 });
    const b = await blockDenoise(double(), blocks, GREEDY, createRng(2), { maskTokenId: MASK, logitsShift: 0, blockSize: 64 });
    expect(blocks.tokens).toEqual(mdlm.tokens);
    expect(b.forwardPasses).toBe(a.forwardPasses);
  });

  it('with several blocks, denoises them left to right, never feeding a pass a later block', async () => {
    const lengths: number[] = [];
    const asked: number[][] = [];
    const sequence = sequenceOf(24, [2, 3, 9, 10, 11, 17, 18]);
    await blockDenoise(
      double((request) => (lengths.push(request.rows[0]!.length), asked.push([...request.positions]))),
      sequence,
      GREEDY,
      createRng(3),
      { maskTokenId: MASK, logitsShift: 0, blockSize: 8 },
    );
    expect(sequence.masked.some(Boolean)).toBe(false);
    // Blocks 0 (ends at 8), 1 (16) and 2 (24), in order; no pass sees past its block's end.
    expect([...new Set(lengths)]).toEqual([8, 16, 24]);
    asked.forEach((positions, i) => positions.forEach((p) => expect(p).toBeLessThan(lengths[i]!)));
  });
});

describe('the block sampler on a block-causal model', () => {
  let modelDir: string;
  let config: QwenConfig;
  const weights = new Map<string, Float32Array>();

  beforeAll(async () => {
    const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.family === 'a2d-bd3lm' && c.expected.architecture === 'qwen3')!;
    const from = join(root, checkpoint.folder);
    modelDir = join(root, 'bd3lm-onnx');
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 5, scale: { hiddenSize: 32, numLayers: 2 }, shape: checkpoint.shape });
    const write = process.stdout.write;
    process.stdout.write = () => true;
    await convertCommand({ from, out: modelDir, quant: 'fp32' }).finally(() => (process.stdout.write = write));
    const source = await openCheckpoint(await openFolder(from));
    config = source.config;
    for (const name of source.tensorNames()) weights.set(name, await source.readTensor(name));
    await source.close();
  }, 120_000);

  it('every pass, cached or not, gives what the block-causal reference gives over the whole sequence', async () => {
    const loaded = await loadModel(nodeModelReader(modelDir), 'fp32', 'wasm');
    if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
    const model = loaded.model;
    const mask = model.manifest.maskTokenId!;
    const blockSize = model.manifest.blockSize!;
    const ids = model.tokenizer.encode(
      'def total(values):\n    result = 0\n    for value in values:\n        result += value\n    return result\n\n\ndef mean(values):\n    return total(values) / len(values)\n\n\nprint(mean([1, 2, 3]))\n',
    );
    const maskedAt = [20, 21, 22, 40, 41, 42, 43];
    const sequence: MaskedSequence = { tokens: ids.map((id, p) => (maskedAt.includes(p) ? mask : id)), masked: ids.map((_, p) => maskedAt.includes(p)), condition: { start: 0, end: 0 }, blocks: [] };
    let worst = 0;
    let passes = 0;
    const checking: MaskPredictor = {
      canCache: true,
      predict: (request) => model.predict(request),
      predictAndCache: async (request, span) => {
        const result = await model.predictAndCache(request, span);
        check(request, result.prediction);
        return result;
      },
      predictSpan: async (request, cache) => {
        const prediction = await model.predictSpan(request, cache);
        check(request, prediction);
        return prediction;
      },
    };
    // The reference sees the whole sequence, later blocks (still masked) included: if a pass saw them, it would differ.
    function check(request: DenoiseRequest, prediction: DenoisePrediction) {
      passes++;
      const full = [...request.rows[0]!, ...sequence.tokens.slice(request.rows[0]!.length)];
      const reference = referenceLogitsAt(config, (name) => weights.get(name)!, [full], { attention: 'block-causal', blockSize }, [[...request.positions]])[0]!;
      request.positions.forEach((_, i) => {
        for (let j = 0; j < prediction.k; j++) worst = Math.max(worst, Math.abs(prediction.values[i * prediction.k + j]! - reference[i]![prediction.indices[i * prediction.k + j]!]!));
      });
    }
    const stats = await blockDenoise(checking, sequence, { ...GREEDY, steps: 4 }, createRng(4), { maskTokenId: mask, logitsShift: 0, blockSize });
    expect(sequence.masked.some(Boolean)).toBe(false);
    expect(stats.cacheRefreshes).toBe(2);
    expect(passes).toBe(stats.forwardPasses);
    expect(worst).toBeLessThan(1e-4);
    await model.release();
  }, 120_000);
});

describe('span text', () => {
  let tokenizer: CodeTokenizer;

  beforeAll(async () => {
    const dir = join(root, 'open-dcoder');
    await writeTinyCheckpoint(dir, { kind: 'diffusion', seed: 1, scale: { hiddenSize: 32, numLayers: 1 }, shape: FAMILY_CHECKPOINTS.find((c) => c.family === 'open-dcoder')!.shape });
    tokenizer = codeTokenizerFor(readFileSync(join(dir, 'tokenizer.json'), 'utf8'), readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
  }, 60_000);

  it('ends a span at the first end-of-text token, and no special token reaches the text', () => {
    const endOfText = tokenizer.tokenId('<|endoftext|>')!;
    const imEnd = tokenizer.tokenId('<|im_end|>')!;
    const dcoderMask = tokenizer.tokenId('<M>')!;
    expect(dcoderMask).toBe(151665);
    const code = tokenizer.encode('return x');
    const tokens = [...code, imEnd, dcoderMask, ...tokenizer.encode(' + 1'), endOfText, ...tokenizer.encode('junk')];
    const sequence: MaskedSequence = { tokens, masked: tokens.map(() => false), condition: { start: 0, end: 0 }, blocks: [{ source: { start: 0, end: 0 }, start: 0, length: tokens.length }] };
    const [text] = decodeBlocks(sequence, tokenizer, new Set([endOfText]), 0);
    expect(text).toBe('return x + 1');
  });

  it("puts a base infill model's instruction as a comment before the target, and masks only it for guidance", () => {
    const text = 'import math\n\nclass Shape:\n    def area(self):\n        return 0\n';
    const start = text.indexOf('def area');
    const sequence = buildMaskedSequence({
      tokenizer,
      template: '{code}',
      instruction: 'use math.pi',
      text,
      spans: [{ start, end: text.length - 1 }],
      maskTokenId: 151665,
      maxPositions: 4096,
      lengthFactor: 1,
      lengthExtra: 0,
      strength: 1,
      rng: createRng(0),
      promptFormat: 'infill',
      language: 'python',
    });
    expect(tokenizer.decode(sequence.tokens.slice(sequence.condition.start, sequence.condition.end))).toBe('# use math.pi\n    ');
    expect(tokenizer.decode(sequence.tokens.slice(0, sequence.blocks[0]!.start))).toBe('import math\n\nclass Shape:\n    # use math.pi\n    ');
  });

  it("puts the file after the last target into a block-causal chat model's prompt, before the answer", () => {
    const text = 'a = 1\ndef f():\n    return a\nprint(f())\n';
    const start = text.indexOf('def f');
    const end = text.indexOf('print') - 1;
    const template = '<|im_start|>user\n{instruction}\n\nAfter:\n{suffix}<|im_end|>\n<|im_start|>assistant\n{code}';
    const sequence = buildMaskedSequence({
      tokenizer,
      template,
      instruction: 'double it',
      text,
      spans: [{ start, end }],
      maskTokenId: 151665,
      maxPositions: 4096,
      lengthFactor: 1,
      lengthExtra: 0,
      strength: 1,
      rng: createRng(0),
    });
    const block = sequence.blocks[0]!;
    expect(tokenizer.decode(sequence.tokens.slice(0, block.start))).toBe('<|im_start|>user\ndouble it\n\nAfter:\n\nprint(f())\n<|im_end|>\n<|im_start|>assistant\na = 1\n');
    expect(sequence.tokens.length).toBe(block.start + block.length);
  });
});
