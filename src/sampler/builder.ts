import { analyzeSource } from '../core/analyzeSource';
import type { DiffusionConfig } from '../core/diffusionConfig';
import { InputError } from '../core/inputErrors';
import { maskSpans, type MaskMode } from '../core/maskSpans';
import { riskScore, type GeneratedPatch, type RefactorPlan } from '../core/refactorPlan';
import { createRng } from '../core/rng';
import { syntaxIssues, type SyntaxIssue } from '../core/syntaxIssues';
import type { SyntaxParser } from '../core/syntaxParser';
import { resolveTargets } from '../core/targets';
import { unifiedDiff } from '../core/unifiedDiff';
import type { CausalModel } from '../model/causalModel';
import type { DiffusionModel } from '../model/diffusionModel';
import { blockDenoise } from './blockDenoise';
import { denoise, type DenoiseStep } from './denoise';
import { fillInTheMiddle } from './fimFallback';
import { decodeBlocks, spliceSpans, tokensTouching } from './spanText';
import { buildMaskedSequence } from './maskedSequence';

export interface BuildProgress extends DenoiseStep {
  phase: 'diffusion' | 'remask' | 'fallback';
  /** The targets' current text, masks shown as ░. */
  spans: string[];
}

export interface BuilderModels {
  diffusion: DiffusionModel;
  /** The precision loaded, for provenance. */
  quant: string;
  fallback?: CausalModel;
}

export interface BuilderOptions {
  parser: SyntaxParser;
  models: BuilderModels;
  config: DiffusionConfig;
  readSource(path: string): Promise<string>;
  mode?: MaskMode;
}

export interface GenerateOptions {
  onProgress?(progress: BuildProgress): void;
  signal?: AbortSignal;
}

const FALLBACK_BUDGET_FACTOR = 2;
const FALLBACK_BUDGET_EXTRA = 64;

function instructionOf(plan: RefactorPlan): string {
  const parts = [plan.intent, plan.condition ?? ''].map((p) => p.trim()).filter(Boolean);
  if (plan.context && plan.context.length > 0) parts.push(`Related code:\n${plan.context.join('\n\n')}`);
  return parts.join('\n');
}

/** Turns RefactorPlans into GeneratedPatches with the diffusion model, repaired by remasking or the fallback. */
export class Builder {
  constructor(private readonly options: BuilderOptions) {}

  async generatePatch(plan: RefactorPlan, generate: GenerateOptions = {}): Promise<GeneratedPatch> {
    const started = performance.now();
    const { parser, models, config } = this.options;
    const original = await this.options.readSource(plan.filePath);
    const analyzed = await analyzeSource(parser, original, plan.filePath, plan.language);
    analyzed.parsed.delete();
    const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, plan.editTargets);
    const maskPlan = maskSpans(analyzed.parsed.source, targets, this.options.mode ?? 'definition');
    const spans = maskPlan.spans.map((s) => s.range);
    const model = models.diffusion;
    const { manifest, tokenizer } = model;
    const maskTokenId = manifest.maskTokenId!;
    const stopIds = new Set([...manifest.eosTokenIds, manifest.padTokenId]);
    const rng = createRng(config.seed);
    const instruction = instructionOf(plan);
    let forwardPasses = 0;
    const diffusionStats = { passes: 0, revealed: 0, cacheRefreshes: 0, readbackBytes: 0 };
    let remaskRounds = 0;
    let path: 'diffusion' | 'fallback' = 'diffusion';
    let generated: string;
    let newRanges: { start: number; end: number }[];
    const notes = [...maskPlan.notes];
    if (instruction === '') notes.push('Empty prompt: generated without a condition.');

    const validate = async (text: string, ranges: readonly { start: number; end: number }[]) => {
      const parsed = await parser.parse(text, analyzed.language);
      try {
        return syntaxIssues(parsed, ranges).filter((issue) => issue.insideSpans);
      } finally {
        parsed.delete();
      }
    };

    let issues: SyntaxIssue[] | null;
    try {
      const sequence = buildMaskedSequence({
        tokenizer,
        template: manifest.promptTemplate,
        instruction,
        text: original,
        spans,
        maskTokenId,
        maxPositions: manifest.maxPositions,
        lengthFactor: config.maskLengthFactor,
        lengthExtra: config.maskLengthExtra,
        strength: config.strength,
        rng,
        promptFormat: manifest.promptFormat,
        language: analyzed.language,
      });
      const run = async (phase: 'diffusion' | 'remask', steps: number) => {
        const sample = manifest.attention === 'block-causal' ? blockDenoise : denoise;
        const stats = await sample(model, sequence, { ...config, steps }, rng, {
          blockSize: manifest.blockSize ?? manifest.maxPositions,
          maskTokenId,
          logitsShift: manifest.logitsShift ?? 0,
          signal: generate.signal,
          onStep: generate.onProgress && ((step) => generate.onProgress!({ ...step, phase, spans: decodeBlocks(sequence, tokenizer, stopIds, maskTokenId) })),
        });
        forwardPasses += stats.forwardPasses;
        diffusionStats.passes += stats.forwardPasses;
        diffusionStats.revealed += stats.revealed;
        diffusionStats.cacheRefreshes += stats.cacheRefreshes;
        diffusionStats.readbackBytes += stats.readbackBytes.reduce((a, b) => a + b, 0);
      };
      await run('diffusion', config.steps);
      ({ text: generated, ranges: newRanges } = spliceSpans(original, spans, decodeBlocks(sequence, tokenizer, stopIds, maskTokenId)));
      issues = await validate(generated, newRanges);
      while (issues.length > 0 && remaskRounds < config.maxRemaskRounds) {
        remaskRounds++;
        const again = sequence.blocks.flatMap((_, b) => {
          const relative = issues!
            .filter((issue) => issue.range.start <= newRanges[b]!.end && issue.range.end >= newRanges[b]!.start)
            .map((issue) => ({ start: issue.range.start - newRanges[b]!.start, end: issue.range.end - newRanges[b]!.start }));
          return relative.length > 0 ? tokensTouching(sequence, b, tokenizer, stopIds, relative) : [];
        });
        if (again.length === 0) break;
        for (const position of again) {
          sequence.tokens[position] = maskTokenId;
          sequence.masked[position] = true;
        }
        await run('remask', Math.min(config.steps, again.length));
        ({ text: generated, ranges: newRanges } = spliceSpans(original, spans, decodeBlocks(sequence, tokenizer, stopIds, maskTokenId)));
        issues = await validate(generated, newRanges);
      }
    } catch (error) {
      if (error instanceof InputError || (error as Error).name === 'AbortError' || !config.fallback || !models.fallback) throw error;
      notes.push(`The diffusion path failed (${(error as Error).message}); the fallback model wrote the code.`);
      issues = null;
    }

    if ((issues === null || issues.length > 0) && config.fallback && models.fallback) {
      if (issues !== null) notes.push(`The diffusion result still had ${issues.length} syntax error(s) after ${remaskRounds} remask round(s); the fallback model wrote the code.`);
      path = 'fallback';
      const fallback = models.fallback;
      const written: string[] = [];
      for (const [i, span] of spans.entries()) {
        const prefix = spliceSpans(original.slice(0, span.start), spans.slice(0, i), written).text;
        const originalTokens = tokenizer.encode(original.slice(span.start, span.end)).length;
        const fill = await fillInTheMiddle(fallback, prefix, original.slice(span.end), {
          maxNewTokens: FALLBACK_BUDGET_FACTOR * originalTokens + FALLBACK_BUDGET_EXTRA,
          temperature: config.temperature,
          rng,
          maxContext: fallback.maxPositions,
          signal: generate.signal,
        });
        forwardPasses += fill.forwardPasses;
        written.push(fill.text);
        generate.onProgress?.({ phase: 'fallback', step: i + 1, total: spans.length, revealed: 0, stillMasked: 0, spans: written });
      }
      ({ text: generated, ranges: newRanges } = spliceSpans(original, spans, written));
      issues = await validate(generated, newRanges);
    }
    if (issues === null) throw new Error('no generation path ran');

    const diff = unifiedDiff(plan.filePath, original, generated!);
    const changedLines = diff.split('\n').filter((line) => /^[+-](?![+-])/.test(line)).length;
    const isValidSyntax = issues.length === 0;
    return {
      filePath: plan.filePath,
      originalCode: original,
      generatedCode: generated!,
      unifiedDiff: diff,
      maskedSpans: maskPlan.spans,
      sample: {
        ...sampleSettings(config),
        nfe: forwardPasses,
        cacheRefreshes: diffusionStats.cacheRefreshes,
        tokensPerPass: diffusionStats.passes > 0 ? diffusionStats.revealed / diffusionStats.passes : 0,
        readbackBytesPerPass: diffusionStats.passes > 0 ? Math.round(diffusionStats.readbackBytes / diffusionStats.passes) : 0,
        generationTimeMs: Math.round(performance.now() - started),
        path,
        remaskRounds,
      },
      plan,
      isValidSyntax,
      validationErrors: issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`),
      generationTimestamp: new Date().toISOString(),
      riskScore: riskScore({ isValidSyntax, syntaxErrorsInSpans: issues.length, changedLines, totalLines: analyzed.parsed.source.lineCount, path }),
      canApply: isValidSyntax,
      model: { id: path === 'fallback' ? `${manifest.id} + fallback` : manifest.id, quant: models.quant, backend: model.backend },
      notes,
    };
  }

  /** Every plan, highest priority first; a plan that fails gives an error patch, and the batch never throws. */
  async generateBatch(plans: readonly RefactorPlan[], generate: GenerateOptions = {}): Promise<GeneratedPatch[]> {
    const ordered = plans.map((plan, index) => ({ plan, index })).sort((a, b) => (b.plan.priority ?? 0) - (a.plan.priority ?? 0) || a.index - b.index);
    const patches: GeneratedPatch[] = [];
    for (const { plan } of ordered) {
      try {
        patches.push(await this.generatePatch(plan, generate));
      } catch (error) {
        patches.push(errorPatch(plan, this.options.config, this.options.models, error));
      }
    }
    return patches;
  }
}

/** The settings a patch's provenance repeats, so that the same settings give the same patch again. */
function sampleSettings(config: DiffusionConfig) {
  const { steps: numSteps, schedule, cfgScale, temperature, seed, strength, cacheInterval, parallelThreshold } = config;
  return { numSteps, schedule, cfgScale, temperature, seed, strength, cacheInterval, parallelThreshold };
}

/** The patch of a plan that could not be carried out: nothing to apply, and the reason. */
export function errorPatch(plan: RefactorPlan, config: DiffusionConfig, models: BuilderModels, error: unknown): GeneratedPatch {
  return {
    filePath: plan.filePath,
    originalCode: '',
    generatedCode: '',
    unifiedDiff: '',
    maskedSpans: [],
    sample: {
      ...sampleSettings(config),
      nfe: 0,
      cacheRefreshes: 0,
      tokensPerPass: 0,
      readbackBytesPerPass: 0,
      generationTimeMs: 0,
      path: 'error',
      remaskRounds: 0,
    },
    plan,
    isValidSyntax: false,
    validationErrors: [error instanceof Error ? error.message : String(error)],
    generationTimestamp: new Date().toISOString(),
    riskScore: 1,
    canApply: false,
    model: { id: models.diffusion.manifest.id, quant: models.quant, backend: models.diffusion.backend },
    notes: [],
  };
}
