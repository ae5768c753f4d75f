import type { ContextCache, DenoisePrediction, DenoiseRequest } from '../runtime/diffusionModel';

/**
 * What the sampler needs of a diffusion model: a batched forward pass over the whole sequence,
 * and where the model can (`canCache`), one that keeps a context cache and one over a span
 * against it.
 */
export interface MaskPredictor {
  readonly canCache: boolean;
  predict(request: DenoiseRequest): Promise<DenoisePrediction>;
  predictAndCache(request: DenoiseRequest, span: readonly number[]): Promise<{ prediction: DenoisePrediction; cache: ContextCache }>;
  predictSpan(request: DenoiseRequest, cache: ContextCache): Promise<DenoisePrediction>;
}
