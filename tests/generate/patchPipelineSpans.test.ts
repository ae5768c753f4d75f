import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { middleSettings } from '../../src/eval/middleLength';
import { PatchPipeline, type PipelineModels } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, type DiffusionConfig } from '../../src/models/diffusionConfig';
import type { CausalModel } from '../../src/runtime/causalModel';
import type { DenoiseRequest, DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { intercepting } from '../support/interceptModel';
import { testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

/** A HumanEval-Infilling task's shape: the middle is a line of a function's body, not a definition. */
const PREFIX = 'def add_one(values):\n    result = []\n';
const MIDDLE = '    for value in values:\n        result.append(value + 1)\n';
const SUFFIX = '    return result\n\n\ntotal = 0\n';
const TEXT = PREFIX + MIDDLE + SUFFIX;
const SPAN = { start: PREFIX.length, end: PREFIX.length + MIDDLE.length };

let parser: SyntaxParser;
let diffusion: DiffusionModel;
let fallback: CausalModel;

function pipelineWith(config: Partial<DiffusionConfig>, models: Partial<PipelineModels> = {}): PatchPipeline {
  return new PatchPipeline({
    parser,
    models: { diffusion, precision: 'q8', fallback, ...models },
    config: createDiffusionConfig({ preset: 'demo', steps: 4, maxRemaskRounds: 0, fallback: false, ...config }),
    readSource: async () => {
      throw new Error('generateSpans reads no file');
    },
  });
}

const request = (spans = [SPAN]) => ({ filePath: 'task.py', text: TEXT, spans, instruction: '', language: 'python' });

beforeAll(async () => {
  parser = await testParser();
  const [d, a] = await Promise.all([tinyModel('diffusion'), tinyModel('autoregressive')]);
  const loadedDiffusion = await loadModel(nodeModelReader(d.modelDir), 'q8', 'wasm');
  const loadedFallback = await loadModel(nodeModelReader(a.modelDir), 'q8', 'wasm');
  if (loadedDiffusion.kind !== 'diffusion' || loadedFallback.kind !== 'autoregressive') throw new Error('wrong model kinds');
  diffusion = loadedDiffusion.model;
  fallback = loadedFallback.model;
});

describe('PatchPipeline.generateSpans', () => {
  it('regenerates exactly the range given, checked against the definition it lies in', async () => {
    const patch = await pipelineWith({ seed: 3 }).generateSpans(request());
    expect(patch.generatedCode.startsWith(PREFIX)).toBe(true);
    expect(patch.generatedCode.endsWith(SUFFIX)).toBe(true);
    expect(patch.maskedSpans).toEqual([expect.objectContaining({ target: 'add_one', kind: 'function', mode: 'body', startLine: 3, range: SPAN })]);
    expect(patch.plan).toMatchObject({ filePath: 'task.py', editTargets: ['add_one'], intent: '' });
    expect(patch.sample).toMatchObject({ path: 'diffusion', nfe: 4 });
    expect(patch.notes).toContain('Empty prompt: generated without a condition.');
  });

  it("gives the middle one mask per token of the span at the oracle length, Builder's sizing otherwise", async () => {
    const middleTokens = diffusion.tokenizer.encode(MIDDLE).length;
    const masksAt = async (config: Partial<DiffusionConfig>) => {
      const calls: DenoiseRequest[] = [];
      const model = intercepting(
        diffusion,
        (r) => r,
        (r) => calls.push({ ...r, rows: r.rows.map((row) => [...row]) }),
      );
      await pipelineWith({ seed: 3, ...config }, { diffusion: model }).generateSpans(request());
      return calls[0]!.rows[0]!.filter((id) => id === diffusion.manifest.maskTokenId).length;
    };
    expect(await masksAt(middleSettings('oracle'))).toBe(middleTokens);
    const sized = createDiffusionConfig({ preset: 'demo' });
    expect(await masksAt(middleSettings('builder'))).toBe(Math.ceil(sized.maskLengthFactor * middleTokens) + sized.maskLengthExtra);
  });

  it('lets the fallback write the middle when diffusion fails, as for a patch', async () => {
    const failing = intercepting(diffusion, () => {
      throw new Error('no memory left');
    });
    const patch = await pipelineWith({ seed: 3, fallback: true }, { diffusion: failing }).generateSpans(request());
    expect(patch.sample.path).toBe('fallback');
    expect(patch.generatedCode.startsWith(PREFIX) && patch.generatedCode.endsWith(SUFFIX)).toBe(true);
    expect(patch.notes.some((note) => note.includes('the fallback model wrote the code'))).toBe(true);
  });

  it('refuses spans out of order, past the text, or in no definition', async () => {
    const builder = pipelineWith({});
    await expect(builder.generateSpans(request([SPAN, { start: SPAN.start + 1, end: SPAN.end }]))).rejects.toThrow(/Span 2 .* after the span before it/);
    await expect(builder.generateSpans(request([{ start: 0, end: TEXT.length + 1 }]))).rejects.toThrow(InputError);
    const outside = TEXT.indexOf('total = 0');
    await expect(builder.generateSpans(request([{ start: outside, end: outside + 9 }]))).rejects.toThrow(/line 8 lies in no definition/);
  });
});
