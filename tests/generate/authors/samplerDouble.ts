import type { SamplerModel } from '../../../src/generate/authors/samplerRun';
import type { DenoisePrediction, DenoiseRequest } from '../../../src/runtime/diffusionModel';

/** What the double predicts at an asked (logit) position, given the rows it is fed. */
export interface Pick {
  token: number;
  probability: number;
  negEntropy?: number;
}

/**
 * A model double for the authors' samplers: at every asked position it gives `pick`'s token with
 * `pick`'s probability (the rest spread evenly over the other candidates), and `pick`'s negative
 * entropy, so a test sets exactly what each sampler ranks by. Every request is recorded.
 */
export function samplerDouble(pick: (position: number, request: DenoiseRequest) => Pick, options: { hasEntropy?: boolean; canCache?: boolean } = {}) {
  const requests: DenoiseRequest[] = [];
  const predict = async (request: DenoiseRequest): Promise<DenoisePrediction> => {
    requests.push({ ...request, rows: request.rows.map((row) => [...row]) });
    const k = request.topK;
    const values = new Float32Array(request.positions.length * k);
    const indices = new Int32Array(request.positions.length * k);
    const negEntropy = new Float32Array(request.positions.length);
    request.positions.forEach((position, i) => {
      const chosen = pick(position, request);
      for (let j = 0; j < k; j++) {
        values[i * k + j] = Math.log(j === 0 ? chosen.probability : (1 - chosen.probability) / (k - 1));
        indices[i * k + j] = j === 0 ? chosen.token : 50_000 + j;
      }
      negEntropy[i] = chosen.negEntropy ?? 0;
    });
    return { k, values, indices, logNormalizer: new Float32Array(request.positions.length), negEntropy: options.hasEntropy === false ? null : negEntropy, readbackCount: 0, readbackBytes: 0 };
  };
  const model: SamplerModel = {
    canCache: options.canCache ?? false,
    hasEntropy: options.hasEntropy ?? true,
    predict,
    predictAndCache: async (request, span) => ({
      prediction: await predict(request),
      cache: { span: [...span], batch: request.rows.length, length: request.rows[0]!.length, bytes: 0, release: () => {} },
    }),
    predictSpan: (request) => predict(request),
  };
  return { model, requests };
}
