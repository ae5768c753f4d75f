import type { ContextCache, DenoisePrediction, DenoiseRequest, DiffusionModel } from '../../src/runtime/diffusionModel';

/**
 * The model with every forward pass (whole sequence, cache refresh, span) asked with
 * `change(request)`, and `seen` told of each request and its prediction.
 */
export function intercepting(
  model: DiffusionModel,
  change: (request: DenoiseRequest) => DenoiseRequest,
  seen?: (request: DenoiseRequest, prediction: DenoisePrediction, pass: 'full' | 'refresh' | 'span') => void,
): DiffusionModel {
  return Object.assign(Object.create(model) as DiffusionModel, {
    predict: async (request: DenoiseRequest) => {
      const prediction = await model.predict(change(request));
      seen?.(request, prediction, 'full');
      return prediction;
    },
    predictAndCache: async (request: DenoiseRequest, span: readonly number[]) => {
      const refreshed = await model.predictAndCache(change(request), span);
      seen?.(request, refreshed.prediction, 'refresh');
      return refreshed;
    },
    predictSpan: async (request: DenoiseRequest, cache: ContextCache) => {
      const prediction = await model.predictSpan(change(request), cache);
      seen?.(request, prediction, 'span');
      return prediction;
    },
  });
}
