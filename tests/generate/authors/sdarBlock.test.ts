import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../../src/cli/convertCommand';
import { writeTinyCheckpoint } from '../../../src/convert/tinyModel';
import { InputError } from '../../../src/errors/inputErrors';
import { samplerFacts } from '../../../src/generate/authors/configSampling';
import type { SamplerFacts, SamplerModel, SampleSettings } from '../../../src/generate/authors/samplerRun';
import { resolveSampleSettings } from '../../../src/generate/authors/sampleSettings';
import { PatchPipeline } from '../../../src/generate/patchPipeline';
import { type SampleRequest, sampleTokens } from '../../../src/generate/sampleTokens';
import { createDiffusionConfig } from '../../../src/models/diffusionConfig';
import { familyByName } from '../../../src/models/modelFamilies';
import type { DiffusionModel } from '../../../src/runtime/diffusionModel';
import { loadModel } from '../../../src/runtime/loadModel';
import { nodeModelReader } from '../../../src/runtime/nodeModelReader';
import { FAMILY_CHECKPOINTS } from '../../support/familyCheckpoints';
import { testParser } from '../../support/parser';

const root = mkdtempSync(join(tmpdir(), 'builder-sdar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// An 18-token prompt and 14 masks: blocks of 4 at 16, 20, 24 and 28, the first holding the prompt's last two tokens.
const PROMPT = 18;
const MASKS = 14;

describe("SDAR's block decoding on its tiny checkpoint", () => {
  let model: DiffusionModel;
  let facts: SamplerFacts;
  let settings: SampleSettings;
  let request: SampleRequest;

  beforeAll(async () => {
    const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.folder === 'SDAR-1.7B-Chat')!;
    const from = join(root, checkpoint.folder);
    const modelDir = join(root, 'sdar-onnx');
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 5, scale: { hiddenSize: 32, numLayers: 2, weightScale: 10 }, shape: checkpoint.shape });
    const write = process.stdout.write;
    process.stdout.write = () => true;
    await convertCommand({ from, out: modelDir, quant: 'fp32' }).finally(() => (process.stdout.write = write));
    const loaded = await loadModel(nodeModelReader(modelDir), 'fp32', 'wasm');
    if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
    model = loaded.model;
    facts = samplerFacts(model.manifest);
    settings = resolveSampleSettings({}, familyByName('sdar').sampler, MASKS);
    const tokens = [...Array.from({ length: PROMPT }, (_, i) => 1000 + 37 * i), ...new Array<number>(MASKS).fill(facts.maskTokenId)];
    request = { tokens, fill: Array.from({ length: MASKS }, (_, i) => PROMPT + i) };
  }, 180_000);
  afterAll(() => model?.release());

  it("encodes the prompt's whole blocks once and each finished block once more, and passes over the block alone", async () => {
    const appended: [number, number][] = [];
    let blockPasses = 0;
    let wholePasses = 0;
    const counting: SamplerModel = {
      canCache: model.canCache,
      hasEntropy: model.hasEntropy,
      predict: (r) => {
        wholePasses++;
        return model.predict(r);
      },
      predictAndCache: (r, span) => model.predictAndCache(r, span),
      predictSpan: (r, cache) => model.predictSpan(r, cache),
      predictAfter: (prefix, r) => {
        blockPasses++;
        expect(r.tokens).toHaveLength(4);
        return model.predictAfter(prefix, r);
      },
      extendPrefix: (prefix, tokens, start) => {
        appended.push([start, tokens.length]);
        return model.extendPrefix(prefix, tokens, start);
      },
    };
    const result = await sampleTokens(counting, facts, request, settings);
    // The prefill of positions 0-15, then blocks 16, 20 and 24 once each; the last block is never stored.
    expect(appended).toEqual([
      [0, 16],
      [16, 4],
      [20, 4],
      [24, 4],
    ]);
    expect(blockPasses).toBe(result.trace.passes.length);
    expect(wholePasses).toBe(0);
    expect(result.tokens.slice(PROMPT)).not.toContain(facts.maskTokenId);
  });

  it('gives the same tokens in the same order where the model has no prefix cache (whole passes)', async () => {
    const cached = await sampleTokens(model, facts, request, settings);
    const whole: SamplerModel = {
      canCache: false,
      hasEntropy: model.hasEntropy,
      predict: (r) => model.predict(r),
      predictAndCache: () => Promise.reject(new Error('not used')),
      predictSpan: () => Promise.reject(new Error('not used')),
    };
    const uncached = await sampleTokens(whole, facts, request, settings);
    expect(uncached.tokens).toEqual(cached.tokens);
    expect(uncached.trace.passes).toEqual(cached.trace.passes);
  });

  it('stops after the block that holds a stop token, the positions after it left masked', async () => {
    const full = await sampleTokens(model, facts, request, settings);
    // The first block's first generated token, made a stop token: the same greedy run up to it.
    const stop = full.tokens[PROMPT]!;
    const stopped = await sampleTokens(model, { ...facts, eosTokenIds: [stop] }, request, settings);
    expect(stopped.tokens.slice(0, 20)).toEqual(full.tokens.slice(0, 20));
    expect(stopped.tokens.slice(20)).toEqual(new Array<number>(MASKS - 2).fill(facts.maskTokenId));
  });

  it("is what a patch of one target runs at the family's settings, with no departures from them", async () => {
    const source = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';
    const pipeline = new PatchPipeline({
      parser: await testParser(),
      models: { diffusion: model, precision: 'fp32' },
      // The block-diffusion presets' authors' settings: the authors' steps (0), no guidance, greedy, no top-p, no cache.
      config: createDiffusionConfig({ preset: 'fast', maxRemaskRounds: 0, fallback: false }),
      readSource: async () => source,
    });
    const patch = await pipeline.generatePatch({ filePath: 'shapes.py', editTargets: ['double'], intent: 'make it faster' });
    expect(patch.sample.sampler).toBe('sdar');
    expect(patch.sample.departures).toEqual([]);
    const { trace } = patch.sample;
    const masked = trace!.promptTokens.flatMap((id, p) => (id === facts.maskTokenId ? [p] : []));
    // One run at the end of the answer: the blocks of 4 from position 0 cover it.
    expect(masked.at(-1)! - masked[0]! + 1).toBe(masked.length);
    expect(trace!.passes.flatMap((pass) => pass.positions).every((p) => masked.includes(p))).toBe(true);
  }, 60_000);

  it('refuses positions to fill that are not one run after the prompt, and a graph that attends both ways', async () => {
    const gap = { tokens: request.tokens, fill: [PROMPT, PROMPT + 2] };
    await expect(sampleTokens(model, facts, gap, settings)).rejects.toThrow(InputError);
    await expect(sampleTokens(model, { ...facts, graphBlockSize: null }, request, settings)).rejects.toThrow(/block-causal/);
  });
});
