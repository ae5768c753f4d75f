import { InputError } from '../errors/inputErrors';
import type { Runtime } from '../models/backendChoice';
import { BUDGET_SOURCES, contextBudget } from '../models/contextBudget';
import type { DiffusionConfig } from '../models/diffusionConfig';
import type { ModelPrecision } from '../models/modelPrecision';
import type { Engine, EngineOptions, EnginePlan, EngineRun, GenerationProgress } from '../plan/engine';
import { errorRisk, patchRisk } from '../plan/patchRisk';
import { patchVerdict, type Verdict } from '../plan/patchVerdict';
import { type ContextPart, resolvePlanContext } from '../plan/planContext';
import type { FallbackProvenance, GeneratedPatch, PatchContext, RefactorPlan } from '../plan/refactorPlan';
import { unifiedDiff } from '../plan/unifiedDiff';
import { contextPriorities } from '../prompt/contextPriorities';
import { contextWindow, type LineGroup } from '../prompt/contextWindow';
import { createRng, type Rng } from '../random/rng';
import type { CausalModel } from '../runtime/causalModel';
import type { DiffusionModel } from '../runtime/diffusionModel';
import { type AnalyzedSource, analyzeSource } from '../syntax/analyzeSource';
import type { LanguageId } from '../syntax/languages';
import { omissionMarker } from '../syntax/lineComments';
import type { MaskPlan } from '../syntax/maskSpans';
import { type OutlineEntry, outline, type TextRange } from '../syntax/outline';
import { type SyntaxIssue, syntaxIssues } from '../syntax/syntaxIssues';
import type { SyntaxParser } from '../syntax/syntaxParser';
import { targetMask } from '../syntax/targetMask';
import { configSampling, samplerFacts } from './authors/configSampling';
import type { RevealTrace } from './authors/samplerRun';
import { blockDenoise } from './blockDenoise';
import { type DenoiseStep, denoise } from './denoise';
import { fillInTheMiddle } from './fimFallback';
import { buildMaskedSequence, type MaskedSequence } from './maskedSequence';
import { sampleTokens } from './sampleTokens';
import { decodeBlocks, spliceSpans, tokensTouching } from './spanText';

export interface PipelineModels {
  diffusion: DiffusionModel;
  /** The precision loaded, for provenance (the patch's `quant`). */
  precision: ModelPrecision;
  fallback?: CausalModel;
}

export interface PipelineOptions {
  parser: SyntaxParser;
  models: PipelineModels;
  config: DiffusionConfig;
  /** Reads a file a plan names without its text: its own file on disk (the CLI), the related files its context names by path. */
  readSource(path: string): Promise<string>;
  /** Where it runs, as the shell chose and names it; by default the diffusion model's backend and precision. */
  runtime?: Runtime;
}

export interface GenerateOptions {
  onProgress?(progress: GenerationProgress): void;
  signal?: AbortSignal;
}

const FALLBACK_BUDGET_FACTOR = 2;
const FALLBACK_BUDGET_EXTRA = 64;

function instructionOf(plan: RefactorPlan, related: readonly ContextPart[]): string {
  const parts = [plan.intent, plan.condition ?? ''].map((p) => p.trim()).filter(Boolean);
  if (related.length > 0) parts.push(`Related code:\n${related.map((part) => part.text).join('\n\n')}`);
  return parts.join('\n');
}

/** What the analysis of a plan found: the file, its targets and the instruction. */
interface PlanAnalysis {
  plan: RefactorPlan;
  original: string;
  language: LanguageId;
  lineCount: number;
  maskPlan: MaskPlan;
  /** The targets' spans in the original file. */
  spans: TextRange[];
  instruction: string;
  /** Every ERROR and MISSING node of the original: the patched file may have no others. */
  issues: SyntaxIssue[];
  /** What the context window keeps after the lines nearest the targets (contextPriorities). */
  priorities: LineGroup[];
  notes: string[];
}

/** A candidate result: the patched file, each span's new text and where it sits, and the verdict on it. */
interface Candidate {
  text: string;
  texts: string[];
  ranges: TextRange[];
  verdict: Verdict;
}

/** What the fallback did for one span it rewrote. */
type FallbackFill = FallbackProvenance['spans'][number];

/** The forward passes of a generation, counted once as each pass runs. */
interface PassCounts {
  diffusionPasses: number;
  fallbackPasses: number;
  revealed: number;
  cacheRefreshes: number;
  readbackBytes: number;
  remaskRounds: number;
  /** The first denoising's sampler, its departures from the authors' settings, and its reveals. */
  sampling?: { sampler: string; departures: string[]; trace: RevealTrace };
}

/** The sequence the diffusion model denoises, and how much of the file it holds. */
interface BuiltSequence {
  sequence: MaskedSequence;
  context: PatchContext;
}

/** Ranges of a text to regenerate as they are, whatever code they cut through. */
export interface SpanRequest {
  /** The path the patch names the text by; its extension tells the language unless `language` does. */
  filePath: string;
  text: string;
  /** UTF-16 ranges in order, not overlapping; each inside a definition or holding one. */
  spans: readonly TextRange[];
  /** Empty: generated without a condition. */
  instruction: string;
  language?: string;
}

/** The definition a span is checked against: the innermost one around it, else the first inside it. */
function spanTarget(entries: readonly OutlineEntry[], range: TextRange, line: number): OutlineEntry {
  const around = entries.filter((entry) => entry.range.start <= range.start && range.end <= entry.range.end).sort((a, b) => a.range.end - a.range.start - (b.range.end - b.range.start));
  const inside = entries.find((entry) => range.start <= entry.range.start && entry.range.end <= range.end);
  const target = around[0] ?? inside;
  if (!target) throw new InputError(`The span at line ${line} lies in no definition and holds none; the verdict checks a span against the definition it belongs to.`);
  return target;
}

/** The PlanAnalysis of a file whose targets and spans are known. */
function analysisOf(plan: RefactorPlan, original: string, analyzed: AnalyzedSource, targets: readonly OutlineEntry[], maskPlan: MaskPlan, instruction: string): PlanAnalysis {
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
    issues: analyzed.issues,
    priorities: contextPriorities(analyzed.parsed, analyzed.outline, targets),
    notes,
  };
}

/** The plan a patch repeats: the RefactorPlan without the file's text it was given. */
function refactorPlanOf(plan: EnginePlan): RefactorPlan {
  const { text: _text, ...refactorPlan } = plan;
  return refactorPlan;
}

/** Turns RefactorPlans into GeneratedPatches with the diffusion model, repaired by remasking or the fallback: the engine in this process. */
export class PatchPipeline implements Engine {
  constructor(private readonly options: PipelineOptions) {}

  /** One plan's patch (its error thrown), or several plans' by priority (generateBatch). */
  async generate(plans: readonly EnginePlan[], options: EngineOptions = {}): Promise<EngineRun> {
    const patches = plans.length === 1 ? [await this.generatePatch(plans[0]!, options)] : await this.generateBatch(plans, options);
    // A batch turns a cancel into error patches, one per plan left; the caller hears "cancelled".
    options.signal?.throwIfAborted();
    return { patches, runtime: this.runtime };
  }

  /** Where it runs: the shell's account, or the diffusion model's backend and precision. */
  get runtime(): Runtime {
    const { diffusion, precision } = this.options.models;
    return this.options.runtime ?? { backend: diffusion.backend, precision, label: `${diffusion.backend}, ${precision}`, notices: [] };
  }

  /**
   * One plan's patch, in the steps a reader can follow: analyse the file, build the masked
   * sequence (a context window of the file when it is longer than the budget), denoise it, check
   * the result and remask what does not parse, fall back to the autoregressive model for the spans
   * still at fault (or all of them when diffusion failed), and assemble the patch.
   */
  async generatePatch(plan: EnginePlan, generate: GenerateOptions = {}): Promise<GeneratedPatch> {
    const started = performance.now();
    return this.regenerate(await this.analyse(plan), started, generate);
  }

  /**
   * The patch of explicit ranges of a text rather than named definitions (an infilling
   * benchmark's middle: any lines, or part of one), through the same steps as generatePatch.
   */
  async generateSpans(request: SpanRequest, generate: GenerateOptions = {}): Promise<GeneratedPatch> {
    const started = performance.now();
    return this.regenerate(await this.analyseSpans(request), started, generate);
  }

  /** The settings and models it samples with, for a run's record. */
  get settings(): { config: DiffusionConfig; models: PipelineModels } {
    return { config: this.options.config, models: this.options.models };
  }

  private async regenerate(analysis: PlanAnalysis, started: number, generate: GenerateOptions): Promise<GeneratedPatch> {
    const { config, models } = this.options;
    const rng = createRng(config.seed);
    const counts: PassCounts = { diffusionPasses: 0, fallbackPasses: 0, revealed: 0, cacheRefreshes: 0, readbackBytes: 0, remaskRounds: 0 };
    let context: PatchContext | undefined;
    let candidate: Candidate | null;
    try {
      const built = this.buildSequence(analysis, rng);
      context = built.context;
      await this.denoise(built.sequence, 'diffusion', config.steps, rng, counts, generate);
      candidate = await this.checkAndRemask(analysis, built.sequence, rng, counts, generate);
    } catch (error) {
      if (error instanceof InputError || (error as Error).name === 'AbortError' || !config.fallback || !models.fallback) throw error;
      analysis.notes.push(`The diffusion path failed (${(error as Error).message}); the fallback model wrote the code.`);
      candidate = null;
    }
    let fills: (FallbackFill | null)[] | null = null;
    if ((candidate === null || !candidate.verdict.canApply) && config.fallback && models.fallback) {
      const rewrite = candidate === null ? analysis.spans.map((_, i) => i) : candidate.verdict.faultySpans;
      if (candidate !== null) {
        const kept = analysis.spans.length - rewrite.length;
        analysis.notes.push(
          `The diffusion result was not valid after ${counts.remaskRounds} remask round(s) (${candidate.verdict.errors.length} problem(s)); the fallback model rewrote ${rewrite.length} span(s)${kept > 0 ? ` and the diffusion model's ${kept} valid span(s) were kept` : ''}.`,
        );
      }
      ({ candidate, fills } = await this.fallBack(analysis, models.fallback, candidate, rewrite, rng, counts, generate));
    }
    if (candidate === null) throw new Error('no generation path ran');
    return this.assemble(analysis, candidate, fills, context, counts, started);
  }

  /** Reads the plan's file, parses it, and finds its targets' spans, its syntax errors, what matters around the targets, and the instruction. */
  private async analyse(input: EnginePlan): Promise<PlanAnalysis> {
    const plan = refactorPlanOf(input);
    const original = input.text ?? (await this.options.readSource(plan.filePath));
    // Related files the plan names by path are read as its own file is: from the batch's root or the opened folder.
    const related = await resolvePlanContext(plan.context, this.options.readSource);
    const analyzed = await analyzeSource(this.options.parser, original, plan.filePath, plan.language);
    try {
      const { targets, maskPlan } = targetMask(analyzed.outline, analyzed.parsed.source, plan.editTargets, plan.maskMode ?? 'definition');
      const analysis = analysisOf(plan, original, analyzed, targets, maskPlan, instructionOf(plan, related.parts));
      analysis.notes.push(...related.notes);
      return analysis;
    } finally {
      analyzed.parsed.delete();
    }
  }

  /** As analyse, for a request's own ranges: each span's target is the definition it lies in, or the first it holds. */
  private async analyseSpans(request: SpanRequest): Promise<PlanAnalysis> {
    const analyzed = await analyzeSource(this.options.parser, request.text, request.filePath, request.language);
    try {
      const { source } = analyzed.parsed;
      const targets = request.spans.map((range, i) => {
        const previous = request.spans[i - 1];
        if (range.start > range.end || range.end > request.text.length || (previous && range.start < previous.end)) {
          throw new InputError(`Span ${i + 1} (${range.start}-${range.end}) must lie in the text (${request.text.length} characters), after the span before it.`);
        }
        return spanTarget(analyzed.outline, range, source.position(range.start).line);
      });
      const maskPlan: MaskPlan = {
        spans: request.spans.map((range, i) => ({
          target: targets[i]!.qualifiedName,
          kind: targets[i]!.kind,
          mode: targets[i]!.range.start <= range.start && range.end <= targets[i]!.range.end ? 'body' : 'definition',
          startByte: source.byteOffset(range.start),
          endByte: source.byteOffset(range.end),
          startLine: source.position(range.start).line,
          endLine: source.lastLine(range.start, range.end),
          range: { start: range.start, end: range.end },
        })),
        notes: [],
      };
      const plan: RefactorPlan = { filePath: request.filePath, editTargets: [...new Set(maskPlan.spans.map((span) => span.target))], intent: request.instruction, language: analyzed.language };
      return analysisOf(plan, request.text, analyzed, targets, maskPlan, request.instruction);
    } finally {
      analyzed.parsed.delete();
    }
  }

  /**
   * The diffusion model's prompt format around the instruction and the file, each span a block of
   * masks. The sequence holds at most the budget: the smallest of the model's positions, what
   * attention can hold in the backend's memory for this many rows, and the contextTokens setting;
   * a longer file is cut to its context window (the targets whole and what matters most around them).
   */
  private buildSequence(analysis: PlanAnalysis, rng: Rng): BuiltSequence {
    const { config, models } = this.options;
    const model = models.diffusion;
    const { manifest, tokenizer } = model;
    const guided = config.cfgScale !== 1 && analysis.instruction !== '';
    const budget = contextBudget({ maxPositions: manifest.maxPositions, memory: model.memory, rows: guided ? 2 : 1, backend: model.backend, setting: config.contextTokens });
    const sequenceOf = (text: string, spans: readonly TextRange[], maxPositions: number, draws: Rng = rng) =>
      buildMaskedSequence({
        tokenizer,
        template: manifest.promptTemplate,
        instruction: analysis.instruction,
        text,
        spans,
        maskTokenId: manifest.maskTokenId!,
        maxPositions,
        lengthFactor: config.maskLengthFactor,
        lengthExtra: config.maskLengthExtra,
        strength: config.strength,
        rng: draws,
        promptFormat: manifest.promptFormat,
        language: analysis.language,
      });
    const { original, spans } = analysis;
    // Counted by building the sequence itself, so the count is the prompt format's, whatever it adds; its own RNG leaves the real one's draws alone.
    const counting = createRng(0);
    const window = contextWindow({
      text: original,
      spans,
      priorities: analysis.priorities,
      sequenceTokens: (text, windowSpans) => sequenceOf(text, windowSpans, Number.POSITIVE_INFINITY, counting).tokens.length,
      budget: budget.tokens,
      budgetSource: BUDGET_SOURCES[budget.limitedBy],
      countTokens: (text) => tokenizer.encode(text).length,
      omissionMarker: (lines, indent) => omissionMarker(analysis.language, lines, indent),
    });
    if (window.omittedRuns > 0) {
      analysis.notes.push(
        `The file is longer than the context budget (${budget.tokens} tokens, set by ${BUDGET_SOURCES[budget.limitedBy]}): the model saw ${window.keptLines} of its ${window.totalLines} lines around the targets.`,
      );
    }
    const { keptLines, totalLines, omittedRuns, tokens } = window;
    return { sequence: sequenceOf(window.text, window.spans, budget.tokens), context: { tokens, budget: budget.tokens, limitedBy: budget.limitedBy, keptLines, totalLines, omittedRuns } };
  }

  /**
   * Runs the reverse process over the sequence's masked positions for `steps` steps, and counts
   * its passes: the one place the diffusion model runs, for the first denoising and each remask round.
   */
  private async denoise(sequence: MaskedSequence, phase: 'diffusion' | 'remask', steps: number, rng: Rng, counts: PassCounts, generate: GenerateOptions): Promise<void> {
    const model = this.options.models.diffusion;
    const { manifest } = model;
    const fill = sequence.masked.flatMap((isMasked, position) => (isMasked ? [position] : []));
    const { settings, departures } = configSampling(this.options.config, manifest, fill, steps);
    const trace: RevealTrace = { promptTokens: [...sequence.tokens], passes: [] };
    if (phase === 'diffusion') counts.sampling = { sampler: settings.sampler, departures, trace };
    const onStep = generate.onProgress && ((step: DenoiseStep) => generate.onProgress!({ ...step, phase, spans: this.spanTexts(sequence) }));
    if (settings.sampler !== 'builder') {
      // The authors' samplers run as `builder sample` runs them, over the sequence's token ids.
      const result = await sampleTokens(model, samplerFacts(manifest), { tokens: sequence.tokens, fill, condition: sequence.condition }, settings, {
        signal: generate.signal,
        onPass: (pass, passes) => {
          trace.passes.push(pass);
          const revealed = trace.passes.reduce((sum, p) => sum + p.positions.length - (p.remasked?.length ?? 0), 0);
          onStep?.({ step: passes, total: Math.max(passes, settings.steps), revealed, stillMasked: fill.length - revealed });
        },
      });
      result.tokens.forEach((id, position) => {
        sequence.tokens[position] = id;
        sequence.masked[position] = id === manifest.maskTokenId && sequence.masked[position]!;
      });
      counts.diffusionPasses += trace.passes.length;
      counts.revealed += fill.length - sequence.masked.filter(Boolean).length;
      return;
    }
    const sample = manifest.attention === 'block-causal' ? blockDenoise : denoise;
    const stats = await sample(model, sequence, settings, rng, {
      blockSize: manifest.blockSize ?? manifest.maxPositions,
      maskTokenId: manifest.maskTokenId!,
      logitsShift: manifest.logitsShift ?? 0,
      signal: generate.signal,
      onStep,
      onReveal: (pass) => trace.passes.push(pass),
    });
    counts.diffusionPasses += stats.forwardPasses;
    counts.revealed += stats.revealed;
    counts.cacheRefreshes += stats.cacheRefreshes;
    counts.readbackBytes += stats.readbackBytes.reduce((a, b) => a + b, 0);
  }

  /**
   * The denoised spans put into the file and judged; while the file parses worse than the
   * original and rounds are left, the tokens around each new syntax error inside a span are
   * masked and denoised again.
   */
  private async checkAndRemask(analysis: PlanAnalysis, sequence: MaskedSequence, rng: Rng, counts: PassCounts, generate: GenerateOptions): Promise<Candidate> {
    const { config, models } = this.options;
    const { tokenizer } = models.diffusion;
    const maskTokenId = models.diffusion.manifest.maskTokenId!;
    let candidate = await this.check(analysis, this.spanTexts(sequence));
    while (!candidate.verdict.isValidSyntax && counts.remaskRounds < config.maxRemaskRounds) {
      const again = sequence.blocks.flatMap((_, b) => {
        const range = candidate.ranges[b]!;
        const relative = candidate.verdict.newIssues
          .filter((issue) => issue.range.start <= range.end && issue.range.end >= range.start)
          .map((issue) => ({ start: issue.range.start - range.start, end: issue.range.end - range.start }));
        return relative.length > 0 ? tokensTouching(sequence, b, tokenizer, this.stopIds(), relative) : [];
      });
      if (again.length === 0) break;
      counts.remaskRounds++;
      for (const position of again) {
        sequence.tokens[position] = maskTokenId;
        sequence.masked[position] = true;
      }
      await this.denoise(sequence, 'remask', Math.min(config.steps, again.length), rng, counts, generate);
      candidate = await this.check(analysis, this.spanTexts(sequence));
    }
    return candidate;
  }

  /** The file with the spans' new texts, and the verdict on it (patchVerdict). */
  private async check(analysis: PlanAnalysis, texts: readonly string[], fills?: readonly (FallbackFill | null)[]): Promise<Candidate> {
    const { text, ranges } = spliceSpans(analysis.original, analysis.spans, texts);
    const parsed = await this.options.parser.parse(text, analysis.language);
    try {
      const verdict = patchVerdict({
        originalIssues: analysis.issues,
        patchedIssues: syntaxIssues(parsed, ranges),
        patchedOutline: outline(parsed),
        patchedText: text,
        spans: analysis.maskPlan.spans.map((span, i) => ({ target: span.target, kind: span.kind, original: span.range, patched: ranges[i]!, fallback: fills?.[i] ?? undefined })),
      });
      return { text, texts: [...texts], ranges, verdict };
    } finally {
      parsed.delete();
    }
  }

  /**
   * The fallback model rewrites the spans in `rewrite` by fill-in-the-middle, in order, each seeing
   * the file as it stands (the spans kept from diffusion and those it wrote before); the others
   * keep the diffusion model's text. Its budget per span is counted with its own tokenizer.
   */
  private async fallBack(analysis: PlanAnalysis, fallback: CausalModel, diffused: Candidate | null, rewrite: readonly number[], rng: Rng, counts: PassCounts, generate: GenerateOptions) {
    const { config } = this.options;
    const { original, spans } = analysis;
    const texts = diffused ? [...diffused.texts] : spans.map((span) => original.slice(span.start, span.end));
    const fills: (FallbackFill | null)[] = spans.map(() => null);
    for (const [done, i] of rewrite.entries()) {
      const span = spans[i]!;
      const around = spliceSpans(original, spans, texts);
      const budget = FALLBACK_BUDGET_FACTOR * fallback.tokenizer.encode(original.slice(span.start, span.end)).length + FALLBACK_BUDGET_EXTRA;
      const fill = await fillInTheMiddle(fallback, around.text.slice(0, around.ranges[i]!.start), around.text.slice(around.ranges[i]!.end), {
        language: analysis.language,
        instruction: analysis.instruction,
        maxNewTokens: budget,
        temperature: config.temperature,
        rng,
        signal: generate.signal,
      });
      counts.fallbackPasses += fill.forwardPasses;
      texts[i] = fill.text;
      fills[i] = { target: analysis.maskPlan.spans[i]!.target, tokens: fill.tokens, budget, stoppedBy: fill.stoppedBy };
      generate.onProgress?.({ phase: 'fallback', step: done + 1, total: rewrite.length, revealed: 0, stillMasked: 0, spans: texts });
    }
    return { candidate: await this.check(analysis, texts, fills), fills };
  }

  /** The GeneratedPatch: the diff against the original, the verdict, the risk and the provenance. */
  private assemble(analysis: PlanAnalysis, candidate: Candidate, fills: (FallbackFill | null)[] | null, context: PatchContext | undefined, counts: PassCounts, started: number): GeneratedPatch {
    const { config, models } = this.options;
    const { plan, original } = analysis;
    const { verdict } = candidate;
    const path = fills ? 'fallback' : 'diffusion';
    const diff = unifiedDiff(plan.filePath, original, candidate.text);
    const fallback = fills && models.fallback ? { id: models.fallback.manifest.id, quant: models.precision, spans: fills.filter((fill): fill is FallbackFill => fill !== null) } : undefined;
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
        ...(counts.sampling ?? {}),
      },
      plan,
      isValidSyntax: verdict.isValidSyntax,
      validationErrors: verdict.errors,
      generationTimestamp: new Date().toISOString(),
      ...patchRisk(verdict, diff, analysis.lineCount, path),
      canApply: verdict.canApply,
      model: { id: models.diffusion.manifest.id, quant: models.precision, backend: models.diffusion.backend, ...(fallback ? { fallback } : {}) },
      ...(context ? { context } : {}),
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
  async generateBatch(plans: readonly EnginePlan[], generate: GenerateOptions = {}): Promise<GeneratedPatch[]> {
    const ordered = plans.map((plan, index) => ({ plan, index })).sort((a, b) => (b.plan.priority ?? 0) - (a.plan.priority ?? 0) || a.index - b.index);
    const patches: GeneratedPatch[] = [];
    for (const { plan } of ordered) {
      try {
        patches.push(await this.generatePatch(plan, generate));
      } catch (error) {
        patches.push(errorPatch(refactorPlanOf(plan), this.options.config, this.options.models, error));
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
function errorPatch(plan: RefactorPlan, config: DiffusionConfig, models: PipelineModels, error: unknown): GeneratedPatch {
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
    ...errorRisk(),
    canApply: false,
    model: { id: models.diffusion.manifest.id, quant: models.precision, backend: models.diffusion.backend },
    notes: [],
  };
}
