import { dllmTransferCounts } from './dllmTransferCounts';
import type { LogitsFunction } from './logitsFunction';
import { argmaxWithMargin, logSumExp } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';

/**
 * ZHZisZZ/dllm dllm/core/samplers/mdlm.py, MDLMSampler.sample and MDLMSampler.infill, for one sequence at
 * temperature 0 (add_gumbel_noise returns the logits unchanged), remasking "low_confidence", cfg_scale 0 and
 * right_shift_logits False (MDLMSamplerConfig's defaults, and the A2D evaluations' cfg_scale=0.0).
 *
 * Each block gets ceil(steps / blocks) steps, split by get_num_transfer_tokens over the masks in that block; a step
 * runs the model on the whole sequence (bidirectional), takes x0 = argmax and its softmax probability, and reveals
 * the most probable masked positions before the block's end.
 */

export interface MdlmOptions {
  maskId: number;
  steps: number;
  blockSize: number;
}

/** One step: reveal the `count` most confident of `candidates` (masked positions) in `x`. */
function revealStep(logits: LogitsFunction, x: number[], candidates: number[], count: number, recorder: RunRecorder): void {
  const rows = logits({ tokens: x }, candidates);
  const scored = candidates.map((position, k) => {
    const row = rows[k]!;
    const { token, margin } = argmaxWithMargin(row);
    // p = softmax(logits); x0_p = p[x0]: compared as log-probabilities, the same order.
    return { position, token, margin, confidence: row[token]! - logSumExp(row) };
  });
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

const maskedIn = (x: readonly number[], maskId: number, from: number, to: number) => {
  const positions: number[] = [];
  for (let p = from; p < to; p++) if (x[p] === maskId) positions.push(p);
  return positions;
};

/** MDLMSampler.sample: `maxNewTokens` masks appended to the prompt, blocks counted from the prompt's end. */
export function dllmMdlmSample(logits: LogitsFunction, prompt: readonly number[], maxNewTokens: number, options: MdlmOptions): SamplerRun {
  const { maskId, blockSize } = options;
  const promptLength = prompt.length;
  const x = [...prompt, ...new Array<number>(maxNewTokens).fill(maskId)];
  const blocks = Math.ceil(maxNewTokens / blockSize);
  const stepsPerBlock = Math.ceil(options.steps / blocks);
  const recorder = new RunRecorder();
  for (let b = 0; b < blocks; b++) {
    const start = promptLength + b * blockSize;
    const end = Math.min(start + blockSize, promptLength + maxNewTokens);
    const counts = dllmTransferCounts(maskedIn(x, maskId, start, end).length, stepsPerBlock);
    // x0_p is -inf from the block's end on; every masked position before it is a candidate.
    for (const count of counts) revealStep(logits, x, maskedIn(x, maskId, 0, promptLength + (b + 1) * blockSize), count, recorder);
  }
  return recorder.finish(x);
}

/**
 * MDLMSampler.infill: the masks where they are, blocks counted from position 0 over the whole sequence, whose
 * length sets the number of blocks (ceil(T / block_size)) and so each block's share of the steps.
 */
export function dllmMdlmInfill(logits: LogitsFunction, tokens: readonly number[], options: MdlmOptions): SamplerRun {
  const { maskId, blockSize } = options;
  const x = [...tokens];
  const length = x.length;
  const blocks = Math.ceil(length / blockSize);
  const stepsPerBlock = Math.ceil(options.steps / blocks);
  const recorder = new RunRecorder();
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(start + blockSize, length);
    const counts = dllmTransferCounts(maskedIn(x, maskId, start, end).length, stepsPerBlock);
    for (const count of counts) revealStep(logits, x, maskedIn(x, maskId, start, end), count, recorder);
  }
  return recorder.finish(x);
}
