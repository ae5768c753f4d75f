import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { PatchPipeline } from '../../src/generate/patchPipeline';
import { createDiffusionConfig } from '../../src/models/diffusionConfig';
import type { RefactorPlan } from '../../src/plan/refactorPlan';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { intercepting } from '../support/interceptModel';
import { testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

const FILES: Record<string, string> = {
  'shapes.py': 'import math\n\n\ndef area(radius):\n    return math.pi * radius ** 2\n',
  'util.py': 'def square(x):\n    return x * x\n',
};

let parser: SyntaxParser;
let diffusion: DiffusionModel;

/** Generates the plan's patch, and the text of the sequence the diffusion model was first given. */
async function generate(plan: RefactorPlan) {
  let seen: string | undefined;
  const model = intercepting(
    diffusion,
    (request) => request,
    (request) => {
      seen ??= diffusion.tokenizer.decode(request.rows[0]!);
    },
  );
  const builder = new PatchPipeline({
    parser,
    models: { diffusion: model, precision: 'q8' },
    config: createDiffusionConfig({ preset: 'demo', steps: 2, maxRemaskRounds: 0, fallback: false }),
    readSource: async (path) => {
      if (!Object.hasOwn(FILES, path)) throw new InputError(`No such file: ${path}`);
      return FILES[path]!;
    },
  });
  const patch = await builder.generatePatch(plan);
  return { patch, prompt: seen! };
}

beforeAll(async () => {
  parser = await testParser();
  const loaded = await loadModel(nodeModelReader((await tinyModel('diffusion')).modelDir), 'q8', 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('expected the diffusion model');
  diffusion = loaded.model;
});

describe("a plan's context in the prompt", () => {
  const plan: RefactorPlan = { filePath: 'shapes.py', editTargets: ['area'], intent: 'use the helper' };

  it("gives the model the planner's relevant files and compressed context, keeps its own keys in the plan, and says what went in", async () => {
    const context = { relevant_files: ['util.py', 'gone.py'], compressed_context: 'Areas are in square metres.', dependencies: ['math'], planner_run: { id: 7 } };
    const { patch, prompt } = await generate({ ...plan, context });
    expect(prompt).toContain(`Related code:\nAreas are in square metres.\n\n# util.py\n${FILES['util.py']}\n\nDependencies: math`);
    expect(patch.plan.context).toEqual(context);
    expect(patch.notes).toContain("The prompt's related context: compressed_context (27 characters); util.py (relevant_files, 42 characters); dependencies (18 characters).");
    expect(patch.notes).toContain("The plan's relevant file gone.py could not be read (No such file: gone.py); the prompt went without it.");
    expect(patch.sample.path).toBe('diffusion');
  });

  it('gives nothing more for an empty mapping, as for no context', async () => {
    const bare = await generate(plan);
    const empty = await generate({ ...plan, context: {} });
    expect(empty.prompt).toBe(bare.prompt);
    expect(empty.prompt).not.toContain('Related code:');
    expect(empty.patch.notes).toEqual(bare.patch.notes);
  });
});
