import { beforeAll, describe, expect, it } from 'vitest';
import { denoise } from '../../src/generate/denoise';
import { buildMaskedSequence } from '../../src/generate/maskedSequence';
import { PatchPipeline } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, type DiffusionConfig } from '../../src/models/diffusionConfig';
import type { GeneratedPatch, RefactorPlan } from '../../src/plan/refactorPlan';
import { createRng } from '../../src/random/rng';
import type { DenoisePrediction, DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { intercepting } from '../support/interceptModel';
import { testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

const SOURCE = `import math


def area(radius):
    """The area of a circle."""
    return math.pi * radius ** 2


def perimeter(radius):
    return 2 * math.pi * radius


class Shape:
    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"{self.name}: {area(1.0):.2f}"
`;

const plan: RefactorPlan = { filePath: 'shapes.py', editTargets: ['perimeter'], intent: 'make it handle a list of radii' };

let parser: SyntaxParser;
const models: Partial<Record<'q4' | 'fp32', DiffusionModel>> = {};

beforeAll(async () => {
  parser = await testParser();
  const fixture = await tinyModel('diffusion');
  for (const precision of ['q4', 'fp32'] as const) {
    const loaded = await loadModel(nodeModelReader(fixture.modelDir), precision, 'wasm');
    if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
    models[precision] = loaded.model;
  }
});

function generate(config: Partial<DiffusionConfig>, diffusion: DiffusionModel = models.q4!): Promise<GeneratedPatch> {
  return new PatchPipeline({
    parser,
    models: { diffusion, precision: 'q4' },
    config: createDiffusionConfig({ preset: 'demo', steps: 8, maxRemaskRounds: 0, fallback: false, ...config }),
    readSource: async () => SOURCE,
  }).generatePatch(plan);
}

/** Largest difference of the sorted top-k logits and of the log-normalisers of two predictions of the same positions. */
/** SOURCE with these spans masked as the sampler masks them for `plan`, at strength 1. */
function maskedSource(model: DiffusionModel, spans: { start: number; end: number }[]) {
  return buildMaskedSequence({
    tokenizer: model.tokenizer,
    template: model.manifest.promptTemplate,
    instruction: plan.intent,
    text: SOURCE,
    spans,
    maskTokenId: model.manifest.maskTokenId!,
    maxPositions: model.manifest.maxPositions,
    lengthFactor: 1.25,
    lengthExtra: 8,
    strength: 1,
    rng: createRng(0),
  });
}

function logitDistance(a: DenoisePrediction, b: DenoisePrediction): number {
  expect(a.values.length).toBe(b.values.length);
  let largest = 0;
  for (let i = 0; i < a.values.length; i++) largest = Math.max(largest, Math.abs(a.values[i]! - b.values[i]!));
  for (let i = 0; i < a.logNormalizer.length; i++) largest = Math.max(largest, Math.abs(a.logNormalizer[i]! - b.logNormalizer[i]!));
  return largest;
}

/** Every prediction of a run, in order. */
async function predictionsOf(config: Partial<DiffusionConfig>, diffusion: DiffusionModel = models.q4!) {
  const predictions: { prediction: DenoisePrediction; pass: string }[] = [];
  const patch = await generate(
    config,
    intercepting(
      diffusion,
      (r) => r,
      (_, prediction, pass) => predictions.push({ prediction, pass }),
    ),
  );
  return { patch, predictions };
}

describe('context caching', () => {
  it("is on in the demo preset (Builder's sampler), refreshing every 8 steps, and off where a preset runs a real model's authors' sampler", () => {
    expect(createDiffusionConfig({ preset: 'demo' })).toMatchObject({ sampler: 'builder', cacheInterval: 8 });
    for (const preset of ['fast', 'balanced', 'quality'] as const) expect(createDiffusionConfig({ preset })).toMatchObject({ sampler: 'authors', cacheInterval: 0 });
  });

  for (const cfgScale of [1, 3]) {
    it(`refreshed every step gives the patch and the logits (within 1e-5) of the uncached sampler, guidance ${cfgScale}`, async () => {
      const uncached = await predictionsOf({ seed: 21, cfgScale, cacheInterval: 0 });
      const cached = await predictionsOf({ seed: 21, cfgScale, cacheInterval: 1 });
      expect(cached.patch.generatedCode).toBe(uncached.patch.generatedCode);
      expect(uncached.predictions.every((p) => p.pass === 'full')).toBe(true);
      expect(cached.predictions.every((p) => p.pass === 'refresh')).toBe(true);
      expect(cached.predictions).toHaveLength(uncached.predictions.length);
      cached.predictions.forEach((p, i) => expect(logitDistance(p.prediction, uncached.predictions[i]!.prediction)).toBeLessThan(1e-5));
      expect(cached.patch.sample).toMatchObject({ cacheInterval: 1, cacheRefreshes: 8, nfe: 8 });
      expect(uncached.patch.sample).toMatchObject({ cacheInterval: 0, cacheRefreshes: 0, nfe: 8 });
    });
  }

  for (const precision of ['q4', 'fp32'] as const) {
    it(`span passes against a cache made from the same tokens equal full passes within 1e-5, and give the same patch (${precision}, guidance 3)`, async () => {
      const model = models[precision]!;
      const distances: number[] = [];
      // Each span pass gets a cache made from the tokens of that very step: no approximation is left,
      // so what remains is the difference between computing the span alone and the whole sequence.
      const freshCache = Object.assign(Object.create(model) as DiffusionModel, {
        predictSpan: async (request: Parameters<DiffusionModel['predictSpan']>[0], stale: Parameters<DiffusionModel['predictSpan']>[1]) => {
          const { prediction: full, cache } = await model.predictAndCache(request, stale.span);
          try {
            const span = await model.predictSpan(request, cache);
            distances.push(logitDistance(span, full));
            return span;
          } finally {
            cache.release();
          }
        },
      });
      const uncached = await generate({ seed: 22, cfgScale: 3, cacheInterval: 0 }, model);
      const cached = await generate({ seed: 22, cfgScale: 3, cacheInterval: 8 }, freshCache);
      console.log(`${precision}: span pass against a fresh cache, largest logit difference ${Math.max(...distances).toExponential(2)} over ${distances.length} steps`);
      expect(distances).toHaveLength(7);
      for (const distance of distances) expect(distance).toBeLessThan(1e-5);
      expect(cached.generatedCode).toBe(uncached.generatedCode);
    });
  }

  it('computes the position before the span too under a logits shift, and stays exact with a fresh cache', async () => {
    const model = models.fp32!;
    const run = async (cacheInterval: number, predictor: DiffusionModel) => {
      const sequence = maskedSource(model, [{ start: SOURCE.indexOf('def perimeter'), end: SOURCE.indexOf('\n\n\nclass') }]);
      const settings = { steps: 6, schedule: 'linear', cfgScale: 2, temperature: 0.7, topK: 0, topP: 0.95, remasking: 'low-confidence', cacheInterval, parallelThreshold: 0 } as const;
      await denoise(predictor, sequence, settings, createRng(5), { maskTokenId: model.manifest.maskTokenId!, logitsShift: 1 });
      return { tokens: sequence.tokens, blockStart: sequence.blocks[0]!.start };
    };
    const spans: (readonly number[])[] = [];
    const freshCache = Object.assign(Object.create(model) as DiffusionModel, {
      predictSpan: async (request: Parameters<DiffusionModel['predictSpan']>[0], stale: Parameters<DiffusionModel['predictSpan']>[1]) => {
        spans.push(stale.span);
        const { prediction: full, cache } = await model.predictAndCache(request, stale.span);
        try {
          const span = await model.predictSpan(request, cache);
          expect(logitDistance(span, full)).toBeLessThan(1e-5);
          return span;
        } finally {
          cache.release();
        }
      },
    });
    const uncached = await run(0, model);
    const cached = await run(6, freshCache);
    expect(spans).toHaveLength(5);
    expect(spans[0]![0]).toBe(uncached.blockStart - 1);
    expect(cached.tokens).toEqual(uncached.tokens);
  });

  it('drifts from the full pass as the cache ages: measured, reported and bounded', async () => {
    const model = models.q4!;
    const report: string[] = [];
    for (const cacheInterval of [2, 4, 8]) {
      const drift: number[] = [];
      let agreeing = 0;
      let positions = 0;
      const measured = Object.assign(Object.create(model) as DiffusionModel, {
        predictSpan: async (request: Parameters<DiffusionModel['predictSpan']>[0], cache: Parameters<DiffusionModel['predictSpan']>[1]) => {
          const full = await model.predict(request);
          const span = await model.predictSpan(request, cache);
          drift.push(logitDistance(span, full));
          for (let p = 0; p < request.positions.length; p++) if (span.indices[p * span.k] === full.indices[p * full.k]) agreeing++;
          positions += request.positions.length;
          return span;
        },
      });
      const patch = await generate({ seed: 23, cfgScale: 3, cacheInterval, steps: 8 }, measured);
      expect(patch.sample.cacheRefreshes).toBe(8 / cacheInterval);
      report.push(
        `interval ${cacheInterval}: largest logit drift ${Math.max(...drift).toFixed(3)}, mean ${(drift.reduce((a, b) => a + b, 0) / drift.length).toFixed(3)}, top-1 agreement ${((100 * agreeing) / positions).toFixed(0)}%`,
      );
      expect(drift).toHaveLength(8 - 8 / cacheInterval);
      // Measured on the tiny model: about 0.013 per step of cache age at most (tempered by 0.7,
      // guided x3); the bound leaves twice that room, so a drift that grows faster fails.
      for (const d of drift) expect(d).toBeLessThan(0.03 * cacheInterval);
      expect(agreeing / positions).toBeGreaterThan(0.9);
    }
    console.log(`q4, guidance 3, 8 steps:\n${report.join('\n')}`);
  });

  it('falls back to full passes for a graph without cache inputs', async () => {
    const noCache = Object.defineProperty(Object.create(models.q4!) as DiffusionModel, 'canCache', { value: false });
    const { patch, predictions } = await predictionsOf({ seed: 24, cacheInterval: 4 }, noCache);
    expect(predictions.every((p) => p.pass === 'full')).toBe(true);
    expect(patch.sample.cacheRefreshes).toBe(0);
    expect(patch.generatedCode).toBe((await generate({ seed: 24, cacheInterval: 0 })).generatedCode);
  });
});

describe('parallel decoding', () => {
  it('changes nothing when off, and nothing when no token reaches the threshold', async () => {
    const off = await generate({ seed: 31, temperature: 0 });
    const unreachable = await generate({ seed: 31, temperature: 0, parallelThreshold: 1 });
    expect(off.sample).toMatchObject({ parallelThreshold: 0, nfe: 8 });
    expect(unreachable.generatedCode).toBe(off.generatedCode);
    expect(unreachable.sample.nfe).toBe(8);
    expect(unreachable.sample.tokensPerPass).toBe(off.sample.tokensPerPass);
  });

  it('reveals every token past the threshold at once, so the run takes fewer forward passes', async () => {
    // The threshold: the median confidence of the first step, so about half the span passes it at once.
    const model = models.q4!;
    const off = await generate({ seed: 32, temperature: 0, cfgScale: 1 });
    const sequence = maskedSource(
      model,
      off.maskedSpans.map((span) => span.range),
    );
    const positions = sequence.masked.flatMap((m, p) => (m ? [p] : []));
    const first = await model.predict({ rows: [sequence.tokens], positions, rowWeights: [1], temperature: 1, topK: 2 });
    const confidences = positions.map((_, i) => Math.exp(first.values[2 * i]! - first.logNormalizer[i]!)).sort((a, b) => a - b);
    const median = confidences[Math.floor(confidences.length / 2)]!;

    const parallel = await generate({ seed: 32, temperature: 0, cfgScale: 1, parallelThreshold: median });
    const everything = await generate({ seed: 32, temperature: 0, cfgScale: 1, parallelThreshold: confidences[0]! / 2 });
    console.log(
      `parallel decoding at threshold ${median.toExponential(2)}: ${parallel.sample.nfe} passes, ${parallel.sample.tokensPerPass.toFixed(1)} tokens per pass (off: ${off.sample.nfe}, ${off.sample.tokensPerPass.toFixed(1)})`,
    );
    expect(off.sample.nfe).toBe(8);
    expect(parallel.sample.nfe).toBeLessThan(off.sample.nfe);
    expect(parallel.sample.tokensPerPass).toBeGreaterThan(off.sample.tokensPerPass);
    expect(everything.sample.nfe).toBe(1);
    expect(everything.sample.tokensPerPass).toBe(positions.length);
  });
});
