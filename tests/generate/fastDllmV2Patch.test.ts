import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../src/cli/convertCommand';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { PatchPipeline } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, type DiffusionConfig } from '../../src/models/diffusionConfig';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { FAMILY_CHECKPOINTS } from '../support/familyCheckpoints';
import { testParser } from '../support/parser';

const root = mkdtempSync(join(tmpdir(), 'builder-fast-dllm-v2-patch-'));
const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef perimeter(radius):\n    return 2 * 3.14159 * radius\n';

let parser: SyntaxParser;
let diffusion: DiffusionModel;

beforeAll(async () => {
  parser = await testParser();
  const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.family === 'fast-dllm-v2')!;
  const from = join(root, checkpoint.folder);
  const out = join(root, 'fast-dllm-v2');
  await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 11, scale: { hiddenSize: 32, numLayers: 1 }, shape: checkpoint.shape });
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    await convertCommand({ from, out, quant: 'fp32' });
  } finally {
    process.stdout.write = write;
  }
  const loaded = await loadModel(nodeModelReader(out), 'fp32', 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
  diffusion = loaded.model;
}, 120_000);

afterAll(async () => {
  await diffusion?.release();
  rmSync(root, { recursive: true, force: true });
});

/** The authors' settings as a config states them: their sampler, steps 0, no guidance, greedy, none of Builder's knobs. */
function patchWith(targets: string[], config: Partial<DiffusionConfig> = {}) {
  const pipeline = new PatchPipeline({
    parser,
    models: { diffusion, precision: 'fp32' },
    config: createDiffusionConfig({ preset: 'demo', sampler: 'authors', steps: 0, cfgScale: 1, temperature: 0, topP: 0.95, cacheInterval: 0, maxRemaskRounds: 0, fallback: false, ...config }),
    readSource: async () => SOURCE,
  });
  return pipeline.generatePatch({ filePath: 'shapes.py', editTargets: targets, intent: 'make it faster' });
}

describe('a patch on a Fast_dLLM_v2_1.5B-shaped model', () => {
  it("runs the authors' fast-dllm-v2 sampler at their settings, with no departure, every pass in the trace", async () => {
    const patch = await patchWith(['area']);
    expect(patch.sample.path).toBe('diffusion');
    expect(patch.sample.sampler).toBe('fast-dllm-v2');
    expect(patch.sample.departures).toEqual([]);
    const { trace } = patch.sample;
    expect(trace!.passes.length).toBe(patch.sample.nfe);
    // At least one pass a mask, and at most one a mask and one a block more (the argmax token that opens each block).
    const mask = diffusion.manifest.maskTokenId!;
    const masks = trace!.promptTokens.filter((id) => id === mask).length;
    const revealed = trace!.passes.reduce((sum, pass) => sum + pass.positions.length, 0);
    expect(revealed).toBeLessThanOrEqual(masks);
    expect(trace!.passes.length).toBeLessThanOrEqual(masks + Math.ceil(trace!.promptTokens.length / 32) + 1);
  }, 120_000);

  it('says where it departs: a threshold of the config, and two targets that are not one run', async () => {
    expect((await patchWith(['area'], { parallelThreshold: 0.5 })).sample.departures).toEqual(['parallelThreshold 0.5 (the authors: 0.9)']);
    const two = await patchWith(['area', 'perimeter']);
    expect(two.sample.sampler).toBe('builder');
    expect(two.sample.departures![0]).toMatch(/Fast-dLLM v2's sampler cannot fill: Builder's block sampler ran/);
  }, 120_000);
});
