import { analyzeSource } from '../core/analyzeSource';
import type { DiffusionConfig } from '../core/diffusionConfig';
import { InputError } from '../core/inputErrors';
import type { LanguageId } from '../core/languages';
import { maskSpans, type MaskMode, type MaskPlan } from '../core/maskSpans';
import type { TextRange } from '../core/outline';
import { riskScore, type GeneratedPatch, type RefactorPlan } from '../core/refactorPlan';
import { createRng, type Rng } from '../core/rng';
import { syntaxIssues, type SyntaxIssue } from '../core/syntaxIssues';
import type { SyntaxParser } from '../core/syntaxParser';
import { resolveTargets } from '../core/targets';
import { unifiedDiff } from '../core/unifiedDiff';
import type { CausalModel } from '../model/causalModel';
import type { DiffusionModel } from '../model/diffusionModel';
import { denoise, type DenoiseStep } from './denoise';
import { fillInTheMiddle } from './fimFallback';
import { decodeBlocks, spliceSpans, tokensTouching } from './spanText';
import { buildMaskedSequence, type MaskedSequence } from './maskedSequence';

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

/** What the analysis of a plan found: the file, its targets and the instruction. */
interface Analysis {
  plan: RefactorPlan;
  original: string;
  language: LanguageId;
  lineCount: number;
  maskPlan: MaskPlan;
  /** The targets' spans in the original file. */
  spans: TextRange[];
  instruction: string;
  notes: string[];
}

/** A candidate result: the patched file, where each span's new text sits in it, and the syntax errors inside those spans. */
interface Candidate {
  text: string;
  ranges: TextRange[];
  issues: SyntaxIssue[];
}

/** The forward passes of a generation, counted once as each pass runs. */
interface PassCounts {
  diffusionPasses: number;
  fallbackPasses: number;
  revealed: number;
  cacheRefreshes: number;
  readbackBytes: number;
  remaskRounds: number;
}

/** Turns RefactorPlans into GeneratedPatches with the diffusion model, repaired by remasking or the fallback. */
export class Builder {
  constructor(private readonly options: BuilderOptions) {}

  /**
   * One plan's patch, in the steps a reader can follow: analyse the file, build the masked
   * sequence, denoise it, check the result and remask what does not parse, fall back to the
   * autoregressive model when diffusion stays invalid or fails, and assemble the patch.
   */
  async generatePatch(plan: RefactorPlan, generate: GenerateOptions = {}): Promise<GeneratedPatch> {
    const started = performance.now();
    const { config, models } = this.options;
    const analysis = await this.analyse(plan);
    const rng = createRng(config.seed);
    const counts: PassCounts = { diffusionPasses: 0, fallbackPasses: 0, revealed: 0, cacheRefreshes: 0, readbackBytes: 0, remaskRounds: 0 };
    let candidate: Candidate | null;
    try {
      const sequence = this.buildSequence(analysis, rng);
      await this.denoise(sequence, 'diffusion', config.steps, rng, counts, generate);
      candidate = await this.checkAndRemask(analysis, sequence, rng, counts, generate);
    } catch (error) {
      if (error instanceof InputError || (error as Error).name === 'AbortError' || !config.fallback || !models.fallback) throw error;
      analysis.notes.push(`The diffusion path failed (${(error as Error).message}); the fallback model wrote the code.`);
      candidate = null;
    }
    let path: 'diffusion' | 'fallback' = 'diffusion';
    if ((candidate === null || candidate.issues.length > 0) && config.fallback && models.fallback) {
      if (candidate !== null) {
        analysis.notes.push(`The diffusion result still had ${candidate.issues.length} syntax error(s) after ${counts.remaskRounds} remask round(s); the fallback model wrote the code.`);
      }
      candidate = await this.fallBack(analysis, models.fallback, rng, counts, generate);
      path = 'fallback';
    }
    if (candidate === null) throw new Error('no generation path ran');
    return this.assemble(analysis, candidate, path, counts, started);
  }

  /** Reads the plan's file, parses it, and finds its targets' spans and the instruction. */
  private async analyse(plan: RefactorPlan): Promise<Analysis> {
    const original = await this.options.readSource(plan.filePath);
    const analyzed = await analyzeSource(this.options.parser, original, plan.filePath, plan.language);
    analyzed.parsed.delete();
    const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, plan.editTargets);
    const maskPlan = maskSpans(analyzed.parsed.source, targets, this.options.mode ?? 'definition');
    const instruction = instructionOf(plan);
    const notes = [...maskPlan.notes];
    if (instruction === '') notes.push('Empty prompt: generated without a condition.');
    return {
      plan,
      original,
      language: analyzed.language,
      lineCount: analyzed.parsed.source.lineCount,
      maskPlan,
      spans: maskPlan.spans.map((s) => s.range),
      instruction,
      notes,
    };
  }

  /** The diffusion model's prompt format around the instruction and the file, each span a block of masks. */
  private buildSequence(analysis: Analysis, rng: Rng): MaskedSequence {
    const { config, models } = this.options;
    const { manifest, tokenizer } = models.diffusion;
    return buildMaskedSequence({
      tokenizer,
      template: manifest.promptTemplate,
      instruction: analysis.instruction,
      text: analysis.original,
      spans: analysis.spans,
      maskTokenId: manifest.maskTokenId!,
      maxPositions: manifest.maxPositions,
      lengthFactor: config.maskLengthFactor,
      lengthExtra: config.maskLengthExtra,
      strength: config.strength,
      rng,
    });
  }

  /** Runs the reverse process over the sequence's masked positions for `steps` steps, and counts its passes. */
  private async denoise(sequence: MaskedSequence, phase: 'diffusion' | 'remask', steps: number, rng: Rng, counts: PassCounts, generate: GenerateOptions): Promise<void> {
    const model = this.options.models.diffusion;
    const { manifest } = model;
    const stats = await denoise(model, sequence, { ...this.options.config, steps }, rng, {
      maskTokenId: manifest.maskTokenId!,
      logitsShift: manifest.logitsShift ?? 0,
      signal: generate.signal,
      onStep: generate.onProgress && ((step) => generate.onProgress!({ ...step, phase, spans: this.spanTexts(sequence) })),
    });
    counts.diffusionPasses += stats.forwardPasses;
    counts.revealed += stats.revealed;
    counts.cacheRefreshes += stats.cacheRefreshes;
    counts.readbackBytes += stats.readbackBytes.reduce((a, b) => a + b, 0);
  }

  /**
   * The denoised spans put into the file and parsed; while they hold syntax errors and rounds are
   * left, the tokens around each error are masked and denoised again.
   */
  private async checkAndRemask(analysis: Analysis, sequence: MaskedSequence, rng: Rng, counts: PassCounts, generate: GenerateOptions): Promise<Candidate> {
    const { config, models } = this.options;
    const { tokenizer } = models.diffusion;
    const maskTokenId = models.diffusion.manifest.maskTokenId!;
    let candidate = await this.check(analysis, this.spanTexts(sequence));
    while (candidate.issues.length > 0 && counts.remaskRounds < config.maxRemaskRounds) {
      counts.remaskRounds++;
      const again = sequence.blocks.flatMap((_, b) => {
        const range = candidate.ranges[b]!;
        const relative = candidate.issues
          .filter((issue) => issue.range.start <= range.end && issue.range.end >= range.start)
          .map((issue) => ({ start: issue.range.start - range.start, end: issue.range.end - range.start }));
        return relative.length > 0 ? tokensTouching(sequence, b, tokenizer, this.stopIds(), relative) : [];
      });
      if (again.length === 0) break;
      for (const position of again) {
        sequence.tokens[position] = maskTokenId;
        sequence.masked[position] = true;
      }
      await this.denoise(sequence, 'remask', Math.min(config.steps, again.length), rng, counts, generate);
      candidate = await this.check(analysis, this.spanTexts(sequence));
    }
    return candidate;
  }

  /** The file with the spans' new texts, and the syntax errors inside them. */
  private async check(analysis: Analysis, texts: readonly string[]): Promise<Candidate> {
    const { text, ranges } = spliceSpans(analysis.original, analysis.spans, texts);
    const parsed = await this.options.parser.parse(text, analysis.language);
    try {
      return { text, ranges, issues: syntaxIssues(parsed, ranges).filter((issue) => issue.insideSpans) };
    } finally {
      parsed.delete();
    }
  }

  /** The fallback model writes every span by fill-in-the-middle, each seeing the spans written before it. */
  private async fallBack(analysis: Analysis, fallback: CausalModel, rng: Rng, counts: PassCounts, generate: GenerateOptions): Promise<Candidate> {
    const { config, models } = this.options;
    const { original, spans } = analysis;
    const written: string[] = [];
    for (const [i, span] of spans.entries()) {
      const prefix = spliceSpans(original.slice(0, span.start), spans.slice(0, i), written).text;
      const originalTokens = models.diffusion.tokenizer.encode(original.slice(span.start, span.end)).length;
      const fill = await fillInTheMiddle(fallback, prefix, original.slice(span.end), {
        maxNewTokens: FALLBACK_BUDGET_FACTOR * originalTokens + FALLBACK_BUDGET_EXTRA,
        temperature: config.temperature,
        rng,
        maxContext: fallback.maxPositions,
        signal: generate.signal,
      });
      counts.fallbackPasses += fill.forwardPasses;
      written.push(fill.text);
      generate.onProgress?.({ phase: 'fallback', step: i + 1, total: spans.length, revealed: 0, stillMasked: 0, spans: written });
    }
    return this.check(analysis, written);
  }

  /** The GeneratedPatch: the diff against the original, the verdict, the risk and the provenance. */
  private assemble(analysis: Analysis, candidate: Candidate, path: 'diffusion' | 'fallback', counts: PassCounts, started: number): GeneratedPatch {
    const { config, models } = this.options;
    const { plan, original } = analysis;
    const diff = unifiedDiff(plan.filePath, original, candidate.text);
    const changedLines = diff.split('\n').filter((line) => /^[+-](?![+-])/.test(line)).length;
    const isValidSyntax = candidate.issues.length === 0;
    const { manifest } = models.diffusion;
    return {
      filePath: plan.filePath,
      originalCode: original,
      generatedCode: candidate.text,
      unifiedDiff: diff,
      maskedSpans: analysis.maskPlan.spans,
      sample: {
        ...sampleSettings(config),
        nfe: counts.diffusionPasses + counts.fallbackPasses,
        cacheRefreshes: counts.cacheRefreshes,
        tokensPerPass: counts.diffusionPasses > 0 ? counts.revealed / counts.diffusionPasses : 0,
        readbackBytesPerPass: counts.diffusionPasses > 0 ? Math.round(counts.readbackBytes / counts.diffusionPasses) : 0,
        generationTimeMs: Math.round(performance.now() - started),
        path,
        remaskRounds: counts.remaskRounds,
      },
      plan,
      isValidSyntax,
      validationErrors: candidate.issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`),
      generationTimestamp: new Date().toISOString(),
      riskScore: riskScore({ isValidSyntax, syntaxErrorsInSpans: candidate.issues.length, changedLines, totalLines: analysis.lineCount, path }),
      canApply: isValidSyntax,
      model: { id: path === 'fallback' ? `${manifest.id} + fallback` : manifest.id, quant: models.quant, backend: models.diffusion.backend },
      notes: analysis.notes,
    };
  }

  /** Each block's current text, masks shown as ░. */
  private spanTexts(sequence: MaskedSequence): string[] {
    const { manifest, tokenizer } = this.options.models.diffusion;
    return decodeBlocks(sequence, tokenizer, this.stopIds(), manifest.maskTokenId!);
  }

  /** The diffusion model's end-of-text and padding: a block ends at the first of them. */
  private stopIds(): ReadonlySet<number> {
    const { manifest } = this.options.models.diffusion;
    return new Set([...manifest.eosTokenIds, manifest.padTokenId]);
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
