import type { LogitsFunction } from './logitsFunction';
import { shiftedSource } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';
import { sampleToken, type TokenFilter } from './sampleTokens';

/**
 * pengzhangzhi/Open-dLLM veomni/models/transformers/qwen2/generation_utils.py, `MDMGenerationMixin._mdm_sample`
 * with alg "p2", at temperature 0, for one sequence without padding: what eval/eval_infill/run_eval.sh (64 steps)
 * and eval/eval_completion/run_eval.sh run, calling `_mdm_sample` on prefix + masks + suffix.
 *
 * The positions that were not masks at the start are fixed. Step i runs the model on the whole sequence, shifts the
 * logits right by one (position 0 keeps its own), and scores every position by the probability of its argmax. Of
 * the n positions that are not fixed, the floor(n * (1 - (i + 1) / steps)) least confident are masked (again, if
 * they held a token); a position that was masked before the step and is not masked by it takes its argmax. So an
 * earlier choice can be taken back. n and the product are float32 there, so they are here.
 */

export interface P2Options extends TokenFilter {
  maskId: number;
  steps: number;
}

/** How many of `free` positions stay masked after step i of `steps`: floor(float32(n) * float32(1 - kappa)). */
export function p2MaskedAfter(free: number, i: number, steps: number): number {
  const f32 = Math.fround;
  return Math.min(Math.max(Math.floor(f32(f32(free) * f32(1 - (i + 1) / steps))), 0), free);
}

export function openDllmP2Sample(logits: LogitsFunction, tokens: readonly number[], options: P2Options): SamplerRun {
  const { maskId, steps } = options;
  const x = [...tokens];
  const free = x.flatMap((token, position) => (token === maskId ? [position] : []));
  const recorder = new RunRecorder();
  for (let i = 0; i < steps; i++) {
    const maskedBefore = new Set(free.filter((position) => x[position] === maskId));
    if (maskedBefore.size === 0) break;
    const rows = logits({ tokens: x }, free.map(shiftedSource));
    const scored = free.map((position, k) => ({ position, ...sampleToken(rows[k]!, options, { kind: 'probability' }) }));
    const ascending = [...scored].sort((a, b) => a.confidence - b.confidence);
    const toMask = p2MaskedAfter(free.length, i, steps);
    const remasked = ascending.slice(0, toMask);
    const kept = ascending.slice(toMask);
    recorder.selection(
      kept.map((c) => c.confidence),
      remasked.map((c) => c.confidence),
    );
    for (const c of remasked) x[c.position] = maskId;
    const revealed = kept.filter((c) => maskedBefore.has(c.position));
    for (const c of revealed) {
      recorder.token(c.margin);
      x[c.position] = c.token;
    }
    recorder.pass(new Map(revealed.map((c) => [c.position, c.token])));
  }
  return recorder.finish(x);
}
