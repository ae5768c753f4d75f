import { type DenoiseSettings, denoise } from '../generate/denoise';
import { buildMaskedSequence } from '../generate/maskedSequence';
import type { MaskPredictor } from '../generate/maskPredictor';
import { decodeBlocks } from '../generate/spanText';
import { createRng } from '../random/rng';
import type { DiffusionModel } from '../runtime/diffusionModel';
import type { RunTime } from '../runtime/sessionRunTiming';
import type { ContextFile } from './contextFiles';
import type { PeakMemory } from './peakMemory';
import { sessionTotals } from './sessionTotals';

/** One diffusion generation of the span, measured. */
export interface DiffusionMeasurement {
  fileTokens: number;
  /** Tokens of the whole sequence: prompt template, instruction and file. */
  sequenceTokens: number;
  maskedPositions: number;
  steps: number;
  cacheInterval: number;
  /** Masked sequence built, denoised, spans decoded. */
  generationMs: number;
  msPerStep: number;
  /** Time inside session.run. */
  runMs: number;
  forwardPasses: number;
  cacheRefreshes: number;
  /** Mean time of one span pass against the context cache (null without one): what grows with the context besides its refreshes. */
  spanPassMs: number | null;
  tokensPerForwardPass: number;
  /** Everything the session copied out per pass on average: the top-k head, and the keys and values at a cache refresh. */
  readbackBytesPerStep: number;
  /** The top-k head's readback of the largest pass, and the bound 16 x masked positions x k it is held to. */
  headReadbackBytesMax: number;
  headReadbackBound: number;
  /** Null in a browser page, which cannot see its process's memory. */
  peakRssMb: number | null;
}

export interface DiffusionRequest {
  file: ContextFile;
  instruction: string;
  settings: DenoiseSettings;
  seed: number;
}

/**
 * Regenerates the file's span as the sampler does for a patch, with exactly as many masks as the
 * span has tokens, and times it. Syntax checks and remasking are left out: they do not depend on
 * the model, and on random weights they would always send the span back.
 */
export async function measureDiffusion(model: DiffusionModel, runTimes: readonly RunTime[], memory: PeakMemory, request: DiffusionRequest): Promise<DiffusionMeasurement> {
  const { manifest, tokenizer } = model;
  const maskTokenId = manifest.maskTokenId!;
  const rng = createRng(request.seed);
  const before = sessionTotals(runTimes);
  memory.reset();
  const started = performance.now();
  const sequence = buildMaskedSequence({
    tokenizer,
    template: manifest.promptTemplate,
    instruction: request.instruction,
    text: request.file.text,
    spans: [request.file.span],
    maskTokenId,
    maxPositions: manifest.maxPositions,
    lengthFactor: 1,
    lengthExtra: 0,
    strength: 1,
    rng,
  });
  const maskedPositions = sequence.masked.filter(Boolean).length;
  const spanPasses: number[] = [];
  const timed: MaskPredictor = {
    canCache: model.canCache,
    predict: (denoiseRequest) => model.predict(denoiseRequest),
    predictAndCache: (denoiseRequest, span) => model.predictAndCache(denoiseRequest, span),
    async predictSpan(denoiseRequest, cache) {
      const passStarted = performance.now();
      const prediction = await model.predictSpan(denoiseRequest, cache);
      spanPasses.push(performance.now() - passStarted);
      return prediction;
    },
  };
  const stats = await denoise(timed, sequence, request.settings, rng, { maskTokenId, logitsShift: manifest.logitsShift ?? 0, onStep: () => memory.sample() });
  decodeBlocks(sequence, tokenizer, new Set([...manifest.eosTokenIds, manifest.padTokenId]), maskTokenId);
  const generationMs = performance.now() - started;
  const after = sessionTotals(runTimes);
  const { k } = stats.largestReadback;
  return {
    fileTokens: request.file.tokens,
    sequenceTokens: sequence.tokens.length,
    maskedPositions,
    steps: request.settings.steps,
    cacheInterval: request.settings.cacheInterval,
    generationMs,
    msPerStep: generationMs / stats.forwardPasses,
    runMs: after.milliseconds - before.milliseconds,
    forwardPasses: stats.forwardPasses,
    cacheRefreshes: stats.cacheRefreshes,
    spanPassMs: spanPasses.length > 0 ? spanPasses.reduce((sum, pass) => sum + pass, 0) / spanPasses.length : null,
    tokensPerForwardPass: stats.revealed / stats.forwardPasses,
    readbackBytesPerStep: (after.outputBytes - before.outputBytes) / stats.forwardPasses,
    headReadbackBytesMax: Math.max(...stats.readbackBytes),
    headReadbackBound: 16 * maskedPositions * k,
    peakRssMb: memory.peakMb(),
  };
}
