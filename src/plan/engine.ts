import type { Runtime } from '../models/backendChoice';
import type { GeneratedPatch, RefactorPlan } from './refactorPlan';

/**
 * A plan as the engine takes it: the RefactorPlan (its mask mode among its fields) and its file's
 * text, so that the engine regenerates the text the caller has without reading or guessing a
 * file. Without `text` the engine reads `filePath` from its own source (the CLI's disk).
 */
export interface EnginePlan extends RefactorPlan {
  text?: string;
}

/** One step of a generation: the denoising (the first, or a remask round) or the fallback, and the targets' current text. */
export interface GenerationProgress {
  phase: 'diffusion' | 'remask' | 'fallback';
  step: number;
  total: number;
  /** Tokens revealed so far in this denoising. */
  revealed: number;
  stillMasked: number;
  /** The targets' current text, masks shown as ░. */
  spans: string[];
}

/** What an engine reports while it works: models loading, then the generation's steps. */
export type EngineProgress = GenerationProgress | { phase: 'loading'; message: string };

export interface EngineOptions {
  /** Cancels the run: it rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
  onProgress?(progress: EngineProgress): void;
}

/** The patches of a run, in the order they ran, and where it ran. */
export interface EngineRun {
  patches: GeneratedPatch[];
  runtime: Runtime;
}

/**
 * The one way to turn plans into patches, whoever runs the models: the pipeline in this process
 * (the CLI, the tests; src/generate/patchPipeline.ts) or the engine worker behind the page's
 * client (src/ui/generate/engineClient.ts), as web-llm's MLCEngineInterface is implemented by its
 * engine and by its worker client (mlc-ai/web-llm, src/types.ts). One plan gives its patch or
 * throws its error (an UnknownTargetError with its suggestions, on either side of the worker);
 * several run highest priority first and a plan that fails gives an error patch.
 */
export interface Engine {
  generate(plans: readonly EnginePlan[], options?: EngineOptions): Promise<EngineRun>;
}
