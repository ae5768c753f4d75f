import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { PatchPipeline } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, type DiffusionConfig } from '../../src/models/diffusionConfig';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n';

let parser: SyntaxParser;
let diffusion: DiffusionModel;

beforeAll(async () => {
  parser = await testParser();
  const loaded = await loadModel(nodeModelReader((await tinyModel('diffusion')).modelDir), 'q8', 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
  diffusion = loaded.model;
});

function patchWith(config: Partial<DiffusionConfig>) {
  const builder = new PatchPipeline({
    parser,
    models: { diffusion, precision: 'q8' },
    config: createDiffusionConfig({ preset: 'demo', steps: 4, maxRemaskRounds: 0, fallback: false, cacheInterval: 0, ...config }),
    readSource: async () => SOURCE,
  });
  return builder.generatePatch({ filePath: 'shapes.py', editTargets: ['area'], intent: 'make it faster' });
}

/** The first denoising's prompt with the trace's reveals applied. */
function replayed(trace: { promptTokens: number[]; passes: { positions: number[]; tokens: number[] }[] }): number[] {
  const tokens = [...trace.promptTokens];
  for (const pass of trace.passes) pass.positions.forEach((p, i) => (tokens[p] = pass.tokens[i]!));
  return tokens;
}

describe('the sampler a patch runs, in its provenance', () => {
  it.each([
    ['builder', { cfgScale: 2 }],
    // dLLM's sampler has no top-p: the demo preset's 0.95 is off here.
    ['mdlm', { cfgScale: 1.5, topP: 1, temperature: 0 }],
  ] as const)('records the sampler (%s), and a trace with one entry per diffusion pass that reveals every mask', async (sampler, settings) => {
    const patch = await patchWith({ sampler, ...settings });
    const { trace } = patch.sample;
    expect(patch.sample.sampler).toBe(sampler);
    expect(trace!.passes.length).toBe(patch.sample.nfe);
    const mask = diffusion.manifest.maskTokenId!;
    const masked = trace!.promptTokens.flatMap((id, p) => (id === mask ? [p] : []));
    expect(trace!.passes.flatMap((p) => p.positions).sort((a, b) => a - b)).toEqual(masked);
    expect(replayed(trace!).includes(mask)).toBe(false);
  });

  it('says where a run departs from the authors: none for a model whose family names no sampler', async () => {
    expect((await patchWith({ sampler: 'authors' })).sample.departures).toEqual([]);
  });

  it("refuses Builder's own knobs on an authors' sampler, and guidance on one that has none", async () => {
    await expect(patchWith({ sampler: 'mdlm', cfgScale: 1, cacheInterval: 8 })).rejects.toThrow(InputError);
    await expect(patchWith({ sampler: 'dream', cfgScale: 2 })).rejects.toThrow(/no guidance/);
  });
});
