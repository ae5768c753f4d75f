import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnknownTargetError } from '../../src/errors/inputErrors';
import { PatchPipeline, type PipelineModels } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, type DiffusionConfig } from '../../src/models/diffusionConfig';
import type { GeneratedPatch, RefactorPlan } from '../../src/plan/refactorPlan';
import type { CausalModel } from '../../src/runtime/causalModel';
import type { DenoiseRequest, DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { intercepting } from '../support/interceptModel';
import { testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

const SOURCE = `import math


def area(radius):
    return math.pi * radius ** 2


class Shape:
    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"{self.name}: {area(1.0):.2f}"
`;

let parser: SyntaxParser;
let diffusion: DiffusionModel;
/** At fp32: the guidance rows must give exactly one row's result where activations are not quantised (q8 scales them per pass, over both rows). */
let unquantisedDiffusion: DiffusionModel;
let fallback: CausalModel;

const plan = (overrides: Partial<RefactorPlan> = {}): RefactorPlan => ({ filePath: 'shapes.py', editTargets: ['area'], intent: 'make it faster', ...overrides });

function pipelineWith(config: Partial<DiffusionConfig>, models: Partial<PipelineModels> = {}): PatchPipeline {
  return new PatchPipeline({
    parser,
    models: { diffusion, precision: 'q8', fallback, ...models },
    config: createDiffusionConfig({ preset: 'demo', steps: 4, maxRemaskRounds: 0, fallback: false, ...config }),
    readSource: async (path) => {
      if (path !== 'shapes.py') throw new Error(`no such file: ${path}`);
      return SOURCE;
    },
  });
}

/** A diffusion model whose calls are recorded, rows as they were at the call (the sampler changes them in place). */
function recording(model: DiffusionModel, calls: DenoiseRequest[], readbacks: { numbers: number; positions: number; k: number }[]): DiffusionModel {
  return intercepting(
    model,
    (request) => request,
    (request, prediction) => {
      calls.push({ ...request, rows: request.rows.map((row) => [...row]) });
      readbacks.push({ numbers: prediction.readbackCount, positions: request.positions.length, k: prediction.k });
    },
  );
}

function gitApplies(patch: GeneratedPatch): void {
  const repo = mkdtempSync(join(tmpdir(), 'builder-git-apply-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  writeFileSync(join(repo, patch.filePath), patch.originalCode);
  writeFileSync(join(repo, 'change.patch'), patch.unifiedDiff);
  execFileSync('git', ['apply', '--check', 'change.patch'], { cwd: repo });
  execFileSync('git', ['apply', 'change.patch'], { cwd: repo });
  expect(execFileSync('cat', [patch.filePath], { cwd: repo, encoding: 'utf8' })).toBe(patch.generatedCode);
}

beforeAll(async () => {
  parser = await testParser();
  const [d, a] = await Promise.all([tinyModel('diffusion'), tinyModel('autoregressive')]);
  const loadedDiffusion = await loadModel(nodeModelReader(d.modelDir), 'q8', 'wasm');
  const loadedFallback = await loadModel(nodeModelReader(a.modelDir), 'q8', 'wasm');
  const loadedFp32 = await loadModel(nodeModelReader(d.modelDir), 'fp32', 'wasm');
  if (loadedDiffusion.kind !== 'diffusion' || loadedFp32.kind !== 'diffusion' || loadedFallback.kind !== 'autoregressive') throw new Error('wrong model kinds');
  diffusion = loadedDiffusion.model;
  unquantisedDiffusion = loadedFp32.model;
  fallback = loadedFallback.model;
});

describe('the diffusion sampler on the tiny model', () => {
  it('gives a byte-identical patch for the same seed, and a different one for another seed', async () => {
    const first = await pipelineWith({ seed: 5 }).generatePatch(plan());
    const again = await pipelineWith({ seed: 5 }).generatePatch(plan());
    const other = await pipelineWith({ seed: 6 }).generatePatch(plan());
    expect(again.generatedCode).toBe(first.generatedCode);
    expect(again.unifiedDiff).toBe(first.unifiedDiff);
    expect(other.generatedCode).not.toBe(first.generatedCode);
    expect(first.sample).toMatchObject({ path: 'diffusion', seed: 5, numSteps: 4, nfe: 4 });
  });

  it('runs no unconditional row at guidance scale 1, and equals a two-row pass weighted [1, 0] exactly', async () => {
    const calls: DenoiseRequest[] = [];
    const model = unquantisedDiffusion;
    const single = await pipelineWith({ seed: 9, cfgScale: 1 }, { diffusion: recording(model, calls, []), precision: 'fp32' }).generatePatch(plan());
    expect(calls.every((c) => c.rows.length === 1)).toBe(true);
    let allMasks: number[] | undefined;
    const twoRows = intercepting(model, (request) => {
      allMasks ??= request.rows[0]!.map(() => model.manifest.maskTokenId!);
      return { ...request, rows: [request.rows[0]!, allMasks], rowWeights: [1, 0] };
    });
    const weighted = await pipelineWith({ seed: 9, cfgScale: 1 }, { diffusion: twoRows, precision: 'fp32' }).generatePatch(plan());
    expect(weighted.generatedCode).toBe(single.generatedCode);
  });

  it('batches the conditional and unconditional rows in one pass under guidance, masking only the instruction', async () => {
    const calls: DenoiseRequest[] = [];
    await pipelineWith({ seed: 1, cfgScale: 3 }, { diffusion: recording(diffusion, calls, []) }).generatePatch(plan());
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.rows).toHaveLength(2);
      expect(call.rowWeights).toEqual([3, -2]);
      const differing = call.rows[0]!.flatMap((id, i) => (id !== call.rows[1]![i] ? [i] : []));
      expect(differing.length).toBe(diffusion.tokenizer.encode('make it faster').length);
      differing.forEach((i) => expect(call.rows[1]![i]).toBe(diffusion.manifest.maskTokenId));
    }
  });

  it('reads back O(masked positions x k) numbers per step', async () => {
    const readbacks: { numbers: number; positions: number; k: number }[] = [];
    await pipelineWith({ seed: 2, topK: 16 }, { diffusion: recording(diffusion, [], readbacks) }).generatePatch(plan());
    // Per position: k values, k indices, the log-normaliser and the negative entropy (graph version 2).
    for (const r of readbacks) expect(r.numbers).toBe(r.positions * (2 * r.k + 2));
    expect(readbacks[0]!.k).toBe(16);
  });

  it('masks only a share of the span at strength < 1 and keeps its length', async () => {
    const calls: DenoiseRequest[] = [];
    await pipelineWith({ seed: 3, strength: 0.5 }, { diffusion: recording(diffusion, calls, []) }).generatePatch(plan());
    const spanTokens = diffusion.tokenizer.encode('def area(radius):\n    return math.pi * radius ** 2').length;
    expect(calls[0]!.positions.length).toBe(Math.round(0.5 * spanTokens));
  });

  it('reports a step event per step and honours cancellation within one step', async () => {
    const events: number[] = [];
    await pipelineWith({ seed: 4, steps: 5 }).generatePatch(plan(), { onProgress: (p) => events.push(p.step) });
    expect(events).toEqual([1, 2, 3, 4, 5]);
    const controller = new AbortController();
    const calls: DenoiseRequest[] = [];
    const cancelled = pipelineWith({ seed: 4, steps: 5 }, { diffusion: recording(diffusion, calls, []) }).generatePatch(plan(), {
      signal: controller.signal,
      onProgress: (p) => p.step === 2 && controller.abort(),
    });
    await expect(cancelled).rejects.toThrow();
    expect(calls).toHaveLength(2);
  });

  it('remasks the tokens around syntax errors, and stops at the bound', async () => {
    // The tiny model's weights are random: what it writes does not parse, so the loop runs to its bound.
    const patch = await pipelineWith({ seed: 11, maxRemaskRounds: 2 }).generatePatch(plan());
    expect(patch.isValidSyntax).toBe(false);
    expect(patch.sample.remaskRounds).toBe(2);
    expect(patch.canApply).toBe(false);
    expect(patch.riskScore).toBeGreaterThanOrEqual(0.8);
    expect(patch.sample.nfe).toBeGreaterThan(4);
    expect(patch.validationErrors[0]).toMatch(/^\d+:\d+: /);
  });

  it('takes the autoregressive fallback when diffusion stays invalid or throws, says so, and names it in the provenance', async () => {
    const patch = await pipelineWith({ seed: 11, maxRemaskRounds: 1, fallback: true }).generatePatch(plan());
    expect(patch.sample.path).toBe('fallback');
    expect(patch.model.fallback).toMatchObject({ id: fallback.manifest.id, quant: 'q8' });
    expect(patch.model.fallback!.spans.map((span) => span.target)).toEqual(['area']);
    expect(patch.riskFactors.map((factor) => factor.fact)).toContain('the fallback model wrote code');
    const failing = intercepting(diffusion, () => {
      throw new Error('device lost');
    });
    const rescued = await pipelineWith({ seed: 11, fallback: true }, { diffusion: failing }).generatePatch(plan({ editTargets: ['area', 'Shape.describe'] }));
    expect(rescued.sample.path).toBe('fallback');
    expect(rescued.notes.join(' ')).toContain('device lost');
    // Diffusion failed: every span is the fallback's.
    expect(rescued.model.fallback!.spans.map((span) => span.target)).toEqual(['area', 'Shape.describe']);
    for (const span of rescued.model.fallback!.spans) {
      expect(span.budget).toBe(
        2 *
          fallback.tokenizer.encode(SOURCE.slice(rescued.maskedSpans.find((m) => m.target === span.target)!.range.start, rescued.maskedSpans.find((m) => m.target === span.target)!.range.end)).length +
          64,
      );
      if (span.stoppedBy === 'budget') expect(rescued.validationErrors.join(' ')).toContain(`token budget (${span.budget} tokens) while writing ${span.target}`);
    }
  });

  it('produces patches that git apply takes against the original file', async () => {
    for (const seed of [1, 2, 3]) {
      const patch = await pipelineWith({ seed }).generatePatch(plan({ editTargets: ['area', 'Shape.describe'] }));
      gitApplies(patch);
    }
  });

  it('generates without a condition for an empty prompt, and says so', async () => {
    const calls: DenoiseRequest[] = [];
    const patch = await pipelineWith({ seed: 1, cfgScale: 3 }, { diffusion: recording(diffusion, calls, []) }).generatePatch(plan({ intent: '' }));
    expect(patch.notes).toContain('Empty prompt: generated without a condition.');
    expect(calls.every((c) => c.rows.length === 1)).toBe(true);
  });

  it('gives a file longer than the budget as a context window, says how much the model saw, and still patches the whole file', async () => {
    const longSource = `${SOURCE}\n${'x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n'.repeat(400)}\ndef last(n):\n    return n\n`;
    const calls: DenoiseRequest[] = [];
    const long = new PatchPipeline({
      parser,
      models: { diffusion: recording(diffusion, calls, []), precision: 'q8' },
      config: createDiffusionConfig({ preset: 'demo', steps: 2, fallback: false, maxRemaskRounds: 0, contextTokens: 512 }),
      readSource: async () => longSource,
    });
    const patch = await long.generatePatch(plan({ editTargets: ['last'] }));
    expect(patch.context).toMatchObject({ budget: 512, limitedBy: 'setting', totalLines: longSource.split('\n').length - 1 });
    expect(patch.context!.tokens).toBeLessThanOrEqual(512);
    expect(patch.context!.keptLines).toBeLessThan(patch.context!.totalLines);
    expect(calls[0]!.rows[0]!.length).toBe(patch.context!.tokens);
    // The window kept the import the file starts with, and marked what it left out as a Python comment.
    const seen = diffusion.tokenizer.decode(calls[0]!.rows[0]!);
    expect(seen).toContain('import math\n');
    expect(seen).toMatch(/\n# … \d+ lines …\n/);
    expect(patch.notes.join(' ')).toMatch(/the model saw \d+ of its \d+ lines/);
    gitApplies(patch);
  });

  it('refuses targets that alone do not fit the budget, naming what set it', async () => {
    const tight = pipelineWith({ seed: 1, contextTokens: 64 });
    await expect(tight.generatePatch(plan({ editTargets: ['area', 'Shape'] }))).rejects.toThrow(
      /targets alone need \d+ tokens with the prompt, but the context budget is 64 \(the contextTokens setting\)/,
    );
  });

  it('runs a batch by priority, turns a failing plan into an error patch, and never throws', async () => {
    const patches = await pipelineWith({ seed: 1 }).generateBatch([
      plan({ editTargets: ['area'], priority: 1 }),
      plan({ editTargets: ['nonexistent'], priority: 5 }),
      plan({ editTargets: ['Shape.describe'], priority: 3 }),
      plan({ filePath: 'missing.py', priority: 0 }),
    ]);
    expect(patches.map((p) => [p.plan.editTargets[0], p.plan.priority, p.sample.path])).toEqual([
      ['nonexistent', 5, 'error'],
      ['Shape.describe', 3, 'diffusion'],
      ['area', 1, 'diffusion'],
      ['area', 0, 'error'],
    ]);
    expect(patches[0]!.validationErrors[0]).toMatch(/No definition named "nonexistent"/);
    expect(patches[3]!.validationErrors[0]).toMatch(/missing\.py/);
    expect(patches[0]!.canApply).toBe(false);
  });

  it('as the Engine: regenerates the text a plan carries, in its mask mode, without reading its file, and repeats the plan without the text', async () => {
    const other = SOURCE.replace('math.pi', '3.14159');
    const pipeline = pipelineWith({ seed: 1 });
    const { patches, runtime } = await pipeline.generate([{ ...plan({ filePath: 'elsewhere.py', maskMode: 'body' }), text: other }]);
    const [patch] = patches;
    expect(patch!.originalCode).toBe(other);
    expect(patch!.maskedSpans.map((span) => span.mode)).toEqual(['body']);
    expect(patch!.generatedCode.startsWith(other.slice(0, other.indexOf('    return')))).toBe(true);
    expect(patch!.plan).toEqual(plan({ filePath: 'elsewhere.py', maskMode: 'body' }));
    expect(runtime).toMatchObject({ backend: 'wasm', precision: 'q8' });
    const whole = await pipeline.generate([plan({ maskMode: 'definition' })]);
    expect(whole.patches[0]!.maskedSpans.map((span) => span.mode)).toEqual(['definition']);
  });

  it('as the Engine: one plan throws its own error, several give error patches, and an abort rejects the whole run', async () => {
    const pipeline = pipelineWith({ seed: 1, steps: 3 });
    await expect(pipeline.generate([plan({ editTargets: ['are'] })])).rejects.toSatisfy((error) => error instanceof UnknownTargetError && error.suggestions.includes('area'));
    const batch = await pipeline.generate([plan({ editTargets: ['are'] }), plan()]);
    expect(batch.patches.map((p) => p.sample.path)).toEqual(['error', 'diffusion']);
    const controller = new AbortController();
    const aborted = pipeline.generate([plan(), plan({ editTargets: ['Shape.describe'] })], { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });
});
