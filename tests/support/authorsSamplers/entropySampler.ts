import type { LogitsFunction } from './logitsFunction';
import { shiftedSource } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';
import { type EntropyLog, sampleToken, type TokenFilter } from './sampleTokens';

/**
 * The entropy family's sampler, alg "entropy", at temperature 0 and alg_temp 0, for one sequence without padding:
 * - Dream: `DreamGenerationMixin._sample` (Dream-org/Dream-v0-Instruct-7B generation_utils.py, vendored as
 *   ZHZisZZ/dllm dllm/pipelines/dream/models/generation_utils.py);
 * - CoDA: `DLMGenerationMixin._sample`, SalesforceAIResearch/CoDA CoDALanguageModel/generation_utils.py (adapted
 *   from Dream's, the same steps);
 * - Open-dLLM: `MDMGenerationMixin._mdm_sample`, pengzhangzhi/Open-dLLM
 *   veomni/models/transformers/qwen2/generation_utils.py (adapted from Dream's; it stops once nothing is masked,
 *   which cannot happen before the last step, and clamps p before the log).
 *
 * Every mask token in the input is filled. Step i of `steps` runs the model on the whole sequence (bidirectional),
 * shifts the logits right by one (position 0 keeps its own), and reveals the int(n * (1 - s / t)) masked positions
 * of highest negative entropy, n the masks left, t and s the i-th and (i+1)-th of linspace(1, eps, steps + 1); the
 * last step reveals all that are left. n, s / t and the product are float32 tensors there, so they are here.
 */

export interface EntropyOptions extends TokenFilter {
  maskId: number;
  steps: number;
  /** The generation config's eps; 1e-3 in all three. */
  eps?: number;
  log: EntropyLog;
}

/**
 * torch.linspace(1, eps, steps + 1) in float32, as the CUDA and CPU kernels compute it: step = (end - start) /
 * (points - 1), the first half start + step * i, the second half end - step * (points - 1 - i).
 */
export function float32Linspace(start: number, end: number, points: number): number[] {
  const f32 = Math.fround;
  const first = f32(start);
  const last = f32(end);
  const step = f32(f32(last - first) / (points - 1));
  const halfway = Math.floor(points / 2);
  return Array.from({ length: points }, (_, i) => (i < halfway ? f32(first + f32(step * i)) : f32(last - f32(step * (points - 1 - i)))));
}

/** How many masks step i of `steps` reveals out of `masked`, as the authors' float32 arithmetic gives it. */
export function entropyTransferCount(masked: number, i: number, steps: number, timesteps: readonly number[]): number {
  if (i === steps - 1) return masked;
  const f32 = Math.fround;
  const t = timesteps[i]!;
  const s = timesteps[i + 1]!;
  return Math.trunc(f32(f32(masked) * f32(1 - f32(s / t))));
}

export function entropySample(logits: LogitsFunction, tokens: readonly number[], options: EntropyOptions): SamplerRun {
  const { maskId, steps } = options;
  const x = [...tokens];
  const timesteps = float32Linspace(1, options.eps ?? 1e-3, steps + 1);
  const recorder = new RunRecorder();
  for (let i = 0; i < steps; i++) {
    const masked = x.flatMap((token, position) => (token === maskId ? [position] : []));
    if (masked.length === 0) break;
    const rows = logits({ tokens: x }, masked.map(shiftedSource));
    const scored = masked.map((position, k) => ({ position, ...sampleToken(rows[k]!, options, { kind: 'negative-entropy', log: options.log }) }));
    const count = entropyTransferCount(masked.length, i, steps, timesteps);
    const ranked = [...scored].sort((a, b) => b.confidence - a.confidence);
    const chosen = ranked.slice(0, count);
    recorder.selection(
      chosen.map((c) => c.confidence),
      ranked.slice(count).map((c) => c.confidence),
    );
    for (const c of chosen) {
      recorder.token(c.margin);
      x[c.position] = c.token;
    }
    recorder.pass(new Map(chosen.map((c) => [c.position, c.token])));
  }
  return recorder.finish(x);
}
